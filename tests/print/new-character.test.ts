/**
 * An edit that brings a character new to the book into one paper (issue 16: each face once,
 * a cached build like a cold one). The print subsets of every face then change, and the cached
 * PDFs of the other papers were printed with the old ones: their fonts are shared with the new
 * subsets only because print subsets keep the glyph ids of the font files (fonts/font-worker.mjs
 * subsetSfnt) — before, the book embedded every face twice. On the seed: one paper laid
 * out again, each face once, the new characters printed, pages equal to a cold build of the
 * edited manuscript (pdftoppm -r 40 -gray per page, pdftotext).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild, type BuildResult } from '../../pipeline/commands/build.ts';
import { ROOT } from '../support/cli.ts';
import { pdffonts } from './helpers.ts';

const NEW = '鑫淼焱垚';
const dir = mkdtempSync(join(tmpdir(), 'juan-new-char-'));
const manuscript = join(dir, '论文集.md');
let edited: BuildResult;

const build = (name: string, cache: boolean) => runBuild({ manuscript, out: join(dir, name), cwd: dir, cacheDir: join(dir, 'cache'), cache, epub: false });

/** Each page rasterised at 40 dpi in grey. */
function pageImages(name: string): Buffer[] {
  const out = join(dir, `${name}-pages`);
  mkdirSync(out, { recursive: true });
  execFileSync('pdftoppm', ['-r', '40', '-gray', join(dir, name, 'book.pdf'), join(out, 'p')]);
  return readdirSync(out).sort().map((f) => readFileSync(join(out, f)));
}
const textOf = (name: string) => execFileSync('pdftotext', [join(dir, name, 'book.pdf'), '-'], { encoding: 'utf8' });

beforeAll(async () => {
  const seed = readFileSync(join(ROOT, 'manuscript', '论文集.md'), 'utf8');
  for (const ch of NEW) expect(seed, `${ch} is new to the seed`).not.toContain(ch);
  copyFileSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
  writeFileSync(manuscript, seed);
  await build('before', true);
  // a paragraph with the new characters before the last paper's last paragraph
  const at = seed.lastIndexOf('\n\n', seed.length - 200);
  writeFileSync(manuscript, `${seed.slice(0, at)}\n\n${NEW}：编辑补入的新字。\n${seed.slice(at)}`);
  edited = await build('edited', true);
  await build('cold', false);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an edit that brings a new character into the book', () => {
  it('lays out the edited paper only', () => {
    expect(edited.report.cache.papersLaidOut).toHaveLength(1);
  });
  it('embeds each face once, with the merge’s tag', () => {
    const fonts = pdffonts(join(dir, 'edited', 'book.pdf'));
    const names = fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, ''));
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect(new Set(names).size, names.join(' ')).toBe(names.length);
    for (const f of fonts) expect(f.name, 'a tag Chromium gave, not the merge').not.toMatch(/^[A-Z]AAAAA\+/);
  });
  it('prints the new characters, and every page as a cold build of the edited manuscript does', () => {
    expect(textOf('edited')).toContain(NEW);
    expect(textOf('edited')).toBe(textOf('cold'));
    const a = pageImages('edited');
    const b = pageImages('cold');
    expect(a.length).toBe(b.length);
    expect(a.map((img, i) => (img.equals(b[i]!) ? 0 : i + 1)).filter(Boolean)).toEqual([]);
  });
});
