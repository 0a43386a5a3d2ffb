/**
 * The layout tabs get their fonts in one request (print/font-bundle.ts): the @font-face rules
 * whose file the book server has are taken out of the CSS and their files put one after another
 * in a bundle; each face keeps its descriptors and its file's byte range.
 */
import { describe, expect, it } from 'vitest';
import { bundleFonts, FONT_BUNDLE_PATH } from '../../pipeline/render/print/font-bundle.ts';
import type { Served } from '../../pipeline/render/print/server.ts';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('bundleFonts', () => {
  const css = [
    "@font-face{font-family:'Noto Serif SC';font-style:normal;font-weight:400;font-display:block;src:url(/assets/fonts/a.ttf) format('truetype');unicode-range:U+4E00-4E01,U+FF0C;}",
    '@font-face{font-display:block;font-family:KaTeX_Main;font-style:normal;font-weight:400;src:url(/assets/katex/KaTeX_Main-Regular.woff2) format("woff2")}',
    "@font-face{font-family:'Noto Serif SC';font-style:normal;font-weight:700;src:url(/assets/fonts/a.ttf) format('truetype')}",
    "@font-face{font-family:Other;src:local('Other'),url(/assets/fonts/b.ttf)}",
    "@font-face{font-family:Missing;src:url(/assets/fonts/none.ttf)}",
    '.katex{font:normal 1.21em KaTeX_Main,Times New Roman,serif}',
  ].join('\n');
  const files = new Map<string, Served>([
    ['/assets/fonts/a.ttf', { type: 'font/ttf', data: bytes(1, 2, 3) }],
    ['/assets/katex/KaTeX_Main-Regular.woff2', { type: 'font/woff2', data: bytes(9, 8) }],
    ['/assets/fonts/b.ttf', { type: 'font/ttf', data: bytes(7) }],
  ]);
  const fonts = bundleFonts(css, files);

  it('takes out the faces it bundles, with their descriptors and byte ranges, each file once', () => {
    expect(fonts.faces).toEqual([
      { family: 'Noto Serif SC', descriptors: { style: 'normal', weight: '400', display: 'block', unicodeRange: 'U+4E00-4E01,U+FF0C' }, from: 0, to: 3 },
      { family: 'KaTeX_Main', descriptors: { display: 'block', style: 'normal', weight: '400' }, from: 3, to: 5 },
      { family: 'Noto Serif SC', descriptors: { style: 'normal', weight: '700' }, from: 0, to: 3 },
    ]);
    const bundle = files.get(FONT_BUNDLE_PATH) as { data: Uint8Array };
    expect([...bundle.data]).toEqual([1, 2, 3, 9, 8]);
    expect(fonts.bundle).toBe(FONT_BUNDLE_PATH);
  });

  it('leaves a rule with local() or a file the server lacks, and every other rule, in the CSS', () => {
    expect(fonts.css).not.toContain('a.ttf');
    expect(fonts.css).not.toContain('KaTeX_Main-Regular');
    expect(fonts.css).toContain("local('Other')");
    expect(fonts.css).toContain('none.ttf');
    expect(fonts.css).toContain('.katex{font:normal 1.21em KaTeX_Main');
  });
});
