/** Font subsets shared by the print and EPUB writers (pipeline/render/fonts). No browser. */
import { describe, expect, it } from 'vitest';
import * as hb from 'harfbuzzjs';
import { parseUnicodeRange, usedCodePoints } from '../../pipeline/render/fonts/fontsource.ts';
import { makeSubset, subsetFace, subsetFontFaceCss, unicodeRange } from '../../pipeline/render/fonts/subset.ts';
import { printFaces, printFonts } from '../../pipeline/render/print/fonts.ts';
import { defaultConfig } from '../../pipeline/config/defaults.ts';

const DEFAULT_FONTS = defaultConfig({ title: 't', date: '2018-10', identifier: 'urn:x' }).fonts;

const SERIF = { pkg: 'noto-serif-sc', family: 'Noto Serif SC', weight: 400 };

/** Advances (font units) of `text` shaped with the given features. */
function advances(data: Uint8Array, text: string, features: string[] = []): number[] {
  const font = new hb.Font(new hb.Face(new hb.Blob(data)));
  const buffer = new hb.Buffer();
  buffer.addText(text);
  buffer.guessSegmentProperties();
  hb.shape(font, buffer, features.map((f) => hb.Feature.fromString(f)!));
  return buffer.getGlyphInfosAndPositions().map((g) => g.xAdvance ?? 0);
}

function cmap(data: Uint8Array): Set<number> {
  return new Set(new hb.Face(new hb.Blob(data)).collectUnicodes());
}

describe('font subsets', () => {
  it('parses unicode-range', () => {
    expect(parseUnicodeRange('U+4e00-4e0f, U+3002,U+1f1e?')).toEqual([[0x4e00, 0x4e0f], [0x3002, 0x3002], [0x1f1e0, 0x1f1ef]]);
    expect(unicodeRange([0x4e00, 0x4e01, 0x4e03])).toBe('U+4E00-4E01,U+4E03');
  });

  it('keeps exactly the characters asked for, and the halt feature that compresses punctuation', async () => {
    const used = usedCodePoints('高质量发展。」（慈溪');
    const { parts, uncovered } = await subsetFace(SERIF, used);
    expect(uncovered).toEqual([]);
    expect(parts).toHaveLength(1);
    const part = parts[0]!;
    expect(part.codepoints).toEqual([...used].sort((a, b) => a - b));
    expect(part.format).toBe('truetype');
    expect([...used].every((cp) => cmap(part.data).has(cp))).toBe(true);
    expect(cmap(part.data).has('字'.codePointAt(0)!)).toBe(false);
    expect(part.data.byteLength).toBeLessThan(20_000);
    // Full-width marks are 1 em; with halt, half an em.
    const [full] = advances(part.data, '。');
    const [half] = advances(part.data, '。', ['halt']);
    expect(half).toBe(full! / 2);
  });

  it('takes a character from the same file whatever else the book contains (cached layouts stay valid)', async () => {
    const a = await subsetFace(SERIF, usedCodePoints('高质量'));
    const b = await subsetFace(SERIF, usedCodePoints('高质量发展慈溪 abc'));
    expect(a.parts.map((p) => p.name)).toEqual(b.parts.slice(0, 1).map((p) => p.name));
    expect(advances(a.parts[0]!.data, '高质量')).toEqual(advances(b.parts[0]!.data, '高质量'));
  });

  it('is deterministic: the same characters give the same bytes', async () => {
    const wanted = [...usedCodePoints('改革开放四十周年')].sort((a, b) => a - b);
    // Two subsets made independently (subsetFace would hand back its memoised first result).
    const one = await makeSubset(SERIF, wanted);
    const two = await makeSubset({ ...SERIF }, wanted);
    expect(two.parts[0]!.data).not.toBe(one.parts[0]!.data);
    expect(Buffer.from(two.parts[0]!.data).equals(Buffer.from(one.parts[0]!.data))).toBe(true);
  });

  it('falls back to the numbered slices for characters outside chinese-simplified, and reports what no file has', async () => {
    // ｊ (U+FF4A, full-width j, as OCR leaves it) is not in the chinese-simplified file but in a
    // numbered slice; 㑇 (U+3447, Extension A) and U+30EDE (Extension G) are in no file.
    const { parts, uncovered } = await subsetFace(SERIF, usedCodePoints('高\uff4a\u3447\u{30EDE}'));
    expect(uncovered).toEqual([0x3447, 0x30ede]);
    expect(parts.map((p) => p.codepoints)).toEqual([[0x9ad8], [0xff4a]]);
    expect(parts.map((p) => p.name)).toEqual(['noto-serif-sc-400.ttf', 'noto-serif-sc-400-2.ttf']);
    const css = subsetFontFaceCss(parts, 'assets/fonts');
    expect(css.match(/@font-face/g)).toHaveLength(parts.length);
    expect(css).toContain("format('truetype')");
  });

  it('gives every print face (body, heading, Kai; every weight the CSS uses) a subset', async () => {
    const faces = printFaces(DEFAULT_FONTS);
    expect(faces.map((f) => `${f.family} ${f.weight}`)).toEqual(['Noto Serif SC 400', 'Noto Serif SC 700', 'Noto Sans SC 500', 'Noto Sans SC 700', 'LXGW WenKai 500']);
    const { parts, uncovered } = await printFonts(DEFAULT_FONTS, usedCodePoints('浙江省慈溪市委党校。'));
    expect(uncovered).toEqual([]);
    for (const face of faces) expect(parts.some((p) => p.family === face.family && p.weight === face.weight)).toBe(true);
    expect(new Set(parts.map((p) => p.name)).size).toBe(parts.length);
    // The Kai subset is a fraction of the 16 MB font: a few KB of outlines, plus the loca and
    // hmtx entries of every glyph id up to the highest kept (print subsets keep the font's ids).
    const kai = parts.find((p) => p.family === 'LXGW WenKai')!;
    expect(kai.data.byteLength).toBeLessThan(400_000);
  });
});
