/** The missing-glyph font (render/fonts/missing-glyph.ts): a font harfbuzz reads, one box per character, each box its own outline. */
import { describe, expect, it } from 'vitest';
import * as hb from 'harfbuzzjs';
import { missingGlyphFont } from '../../pipeline/render/fonts/missing-glyph.ts';
import { fontNames } from '../../pipeline/render/fonts/rename.ts';

describe('missing-glyph font', () => {
  const codepoints = [0x2603, 0xe000, 0x1f604];
  const font = missingGlyphFont(codepoints);
  const face = new hb.Face(new hb.Blob(font));
  const hbFont = new hb.Font(face);

  it('maps each character, in and beyond the BMP, to a glyph of its own', () => {
    expect([...face.collectUnicodes()].sort((a, b) => a - b)).toEqual(codepoints);
    const gids = codepoints.map((cp) => {
      const buffer = new hb.Buffer();
      buffer.addText(String.fromCodePoint(cp));
      buffer.guessSegmentProperties();
      hb.shape(hbFont, buffer);
      const [glyph] = buffer.getGlyphInfosAndPositions();
      expect(glyph!.xAdvance).toBe(1000); // an em wide
      return glyph!.codepoint;
    });
    expect(gids).toEqual([1, 2, 3]);
  });

  it('draws a box with the code point in it: different outlines for different characters', () => {
    const paths = [1, 2, 3].map((g) => hbFont.glyphToPath(g));
    expect(new Set(paths).size).toBe(3);
    for (const p of paths) expect(p.match(/Z/g)!.length).toBeGreaterThan(2 + 8); // box + at least 4 digits' segments
    expect(hbFont.glyphToPath(0).match(/Z/g)).toHaveLength(2); // .notdef: the empty box
  });

  it('is named as our own face', () => {
    expect(fontNames(font)).toEqual({ family: 'Juan Missing Glyph', postscript: 'JuanMissingGlyph-Regular' });
  });
});
