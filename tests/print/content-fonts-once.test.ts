/**
 * The content fonts (KaTeX, Noto Serif's italic and Greek, JetBrains Mono) are embedded once,
 * like the Chinese faces: the merge is given their programs (print/index.ts `contentPrograms`,
 * decoded from the packages' WOFF2). On the content sample: a cached build after a formula was
 * added to paper 2 merges paper 1's cached PDF and paper 2's new one, each with its own copy of
 * the KaTeX faces — before, the book embedded them twice.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild, type BuildResult } from '../../pipeline/commands/build.ts';
import { ROOT } from '../support/cli.ts';
import { pdffonts } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-content-fonts-'));
const manuscript = join(dir, '样稿.md');
let edited: BuildResult;

const build = (name: string, cache: boolean) => runBuild({ manuscript, out: join(dir, name), cwd: dir, cacheDir: join(dir, 'cache'), cache, epub: false });
const faces = (name: string) => pdffonts(join(dir, name, 'book.pdf')).map((f) => f.name);

beforeAll(async () => {
  cpSync(join(ROOT, 'tests', 'fixtures', 'content'), dir, { recursive: true });
  await build('before', true);
  const source = readFileSync(manuscript, 'utf8');
  const anchor = '本篇检验插图与宽表格的排版。';
  expect(source).toContain(anchor);
  writeFileSync(manuscript, source.replace(anchor, `${anchor}柱高按 $\\beta_1 x + \\alpha$ 折算。`));
  edited = await build('edited', true);
  await build('cold', false);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('content fonts in a book merged from a cached and a new PDF', () => {
  it('lays out the edited paper only, and both papers set math', () => {
    expect(edited.report.cache.papersLaidOut).toHaveLength(1);
    const text = readFileSync(join(dir, 'edited', 'print.html'), 'utf8');
    expect(text.match(/class="katex"/g)!.length).toBeGreaterThan(3);
  });
  it('embeds each KaTeX face once, with the merge’s tag, as a cold build does', () => {
    const katex = faces('edited').filter((n) => /KaTeX_/.test(n));
    expect(katex.length).toBeGreaterThanOrEqual(2);
    const names = katex.map((n) => n.replace(/^[A-Z]{6}\+/, ''));
    expect(new Set(names).size, katex.join(' ')).toBe(names.length);
    for (const n of faces('edited')) expect(n, 'a tag Chromium gave, not the merge').not.toMatch(/^[A-Z]AAAAA\+/);
    expect(faces('edited').map((n) => n.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual(faces('cold').map((n) => n.replace(/^[A-Z]{6}\+/, '')).sort());
  });
});
