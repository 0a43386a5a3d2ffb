/**
 * When the print HTML has a character the model did not foresee (print/fonts.ts likelyCodePoints),
 * renderPrint makes the subsets again with it: here likelyCodePoints is made to miss 「论」 and
 * 「慈」, which the seed's body prints many times. They are printed from our Song and Hei faces
 * and copy out as written; with the subsets started from the model alone they would have none.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pdffonts } from './helpers.ts';

const MISSED = ['论', '慈'].map((c) => c.codePointAt(0)!);
const asked: number[] = [];

vi.mock('../../pipeline/render/print/fonts.ts', async (original) => {
  const real = await original<typeof import('../../pipeline/render/print/fonts.ts')>();
  return {
    ...real,
    likelyCodePoints: (...args: Parameters<typeof real.likelyCodePoints>) => {
      const likely = real.likelyCodePoints(...args);
      for (const cp of MISSED) likely.delete(cp);
      return likely;
    },
    printFonts: (...args: Parameters<typeof real.printFonts>) => {
      asked.push([...args[1]].length);
      return real.printFonts(...args);
    },
  };
});

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'likely-fallback');

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  await runBuild({ cwd: ROOT, out: OUT, cache: false, epub: false });
}, 600_000);

describe('a character the model did not foresee', () => {
  it('has the subsets made again, with it', () => {
    expect(asked).toHaveLength(2);
    expect(asked[1]).toBe(asked[0]! + MISSED.length);
  });
  it('is printed from our fonts and copies out as written', () => {
    for (const f of pdffonts(join(OUT, 'book.pdf'))) expect(f.name.replace(/^[A-Z]{6}\+/, '')).toMatch(/^(Noto(Serif|Sans)SC-|LXGWWenKai-|KaTeX_|JuanMissingGlyph-)/);
    const text = execFileSync('pdftotext', [join(OUT, 'book.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('周年论文集');
    expect(text).toContain('理论学习');
    expect(text).toContain('慈溪实践');
  });
});
