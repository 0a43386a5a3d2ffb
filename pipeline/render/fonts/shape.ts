/**
 * Text shaped into glyph outlines with harfbuzz, for drawings that must not depend on the
 * reader's fonts (the EPUB cover). Each character comes from the first file of the face that
 * has it (fontsource.ts), as in the subsets.
 */
import { fontsourceSources, inRanges } from './fontsource.ts';
import { decodeFont, type DecodedFont } from './subset.ts';
import * as hb from 'harfbuzzjs';

export interface ShapedGlyph {
  /** SVG path in units of 1 em = 1000 (y up). */
  path: string;
  /** Pen position of the glyph origin. */
  x: number;
  advance: number;
}

async function fontFor(pkg: string, weight: number, cp: number): Promise<DecodedFont> {
  const sources = fontsourceSources(pkg, weight);
  for (const source of sources) {
    if (source.ranges && !inRanges(cp, source.ranges)) continue;
    const font = await decodeFont(source.file);
    if (font.unicodes.has(cp)) return font;
  }
  return decodeFont(sources[0]!.file);
}

/**
 * Shape one line of text; glyph outlines and advances in units of 1 em = 1000. `outlines: false`:
 * advances only (paths empty) — measuring every running head drew ~0.1 s of outlines nobody used.
 */
export async function shapeLine(pkg: string, weight: number, text: string, options: { outlines?: boolean } = {}): Promise<{ glyphs: ShapedGlyph[]; width: number }> {
  const outlines = options.outlines !== false;
  const chars = [...text];
  const fonts = await Promise.all(chars.map((ch) => fontFor(pkg, weight, ch.codePointAt(0)!)));
  const glyphs: ShapedGlyph[] = [];
  let x = 0;
  let i = 0;
  // Runs of characters that the same font covers.
  while (i < chars.length) {
    const f = fonts[i]!;
    let j = i + 1;
    while (j < chars.length && fonts[j] === f) j++;
    const buffer = new hb.Buffer();
    buffer.addText(chars.slice(i, j).join(''));
    buffer.guessSegmentProperties();
    hb.shape(f.font, buffer);
    const scale = 1000 / f.upem;
    for (const g of buffer.getGlyphInfosAndPositions()) {
      const advance = (g.xAdvance ?? 0) * scale;
      const raw = outlines ? f.font.glyphToPath(g.codepoint) : '';
      glyphs.push({ path: scale === 1 ? raw : scalePath(raw, scale), x: x + (g.xOffset ?? 0) * scale, advance });
      x += advance;
    }
    i = j;
  }
  return { glyphs, width: x };
}

function scalePath(d: string, s: number): string {
  return d.replace(/-?\d+(?:\.\d+)?/g, (n) => String(Math.round(Number(n) * s * 100) / 100));
}
