/**
 * The PDF of the real seed build (`juan build`, run once per test run by the global setup), as
 * the printer receives it: every font embedded, no Type 3, and no glyph from a system font —
 * each face is a subset of the book's own fonts (render/fonts), spaces included.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { pdffonts } from './helpers.ts';

const seedOut = inject('seedOut');
const buildError = inject('seedBuildError');

describe('seed build: fonts', () => {
  it('embeds only subsets of the book faces', () => {
    expect(buildError).toBeNull();
    const fonts = pdffonts(join(seedOut, 'book.pdf'));
    expect(fonts.filter((f) => !f.embedded || /Type 3/.test(f.type))).toEqual([]);
    expect(fonts.filter((f) => !/^[A-Z]{6}\+(NotoSerifSC|NotoSansSC|LXGWWenKai)/.test(f.name))).toEqual([]);
    for (const face of ['NotoSerifSC\\w*-Regular', 'NotoSerifSC\\w*-Bold', 'NotoSansSC\\w*-Medium', 'NotoSansSC\\w*-Bold', 'LXGWWenKai']) {
      expect(fonts.some((f) => new RegExp(face).test(f.name)), face).toBe(true);
    }
  });

  it('ships print.html with one small subset per face, not the font slices', () => {
    const files = readdirSync(join(seedOut, 'assets', 'fonts')).sort();
    expect(files).toEqual(['lxgw-wenkai-500.ttf', 'noto-sans-sc-500.ttf', 'noto-sans-sc-700.ttf', 'noto-serif-sc-400.ttf', 'noto-serif-sc-700.ttf']);
  });
});
