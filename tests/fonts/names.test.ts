/** The names a printer's preflight reads: our subsets carry the family's real names (render/fonts/rename.ts). */
import { describe, expect, it } from 'vitest';
import * as hb from 'harfbuzzjs';
import { subsetFace } from '../../pipeline/render/fonts/subset.ts';
import { fontNames, readTables, realNames, renameFont } from '../../pipeline/render/fonts/rename.ts';
import { glyphsWithOutlines, keepGlyphs, outlinesMatch } from '../../pipeline/render/fonts/glyphs.ts';

const text = [...'高质量发展的对策建议，。'].map((c) => c.codePointAt(0)!);

/** The whole-file checksum a valid font has: 0xB1B0AFBA (OpenType spec, head.checkSumAdjustment). */
function fileChecksum(font: Uint8Array): number {
  const padded = new Uint8Array((font.length + 3) & ~3);
  padded.set(font);
  const view = new DataView(padded.buffer);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

describe('font names', () => {
  it('gives the variable-font instances their family names', async () => {
    for (const [pkg, family, weight, ps] of [
      ['noto-serif-sc', 'Noto Serif SC', 400, 'NotoSerifSC-Regular'],
      ['noto-sans-sc', 'Noto Sans SC', 700, 'NotoSansSC-Bold'],
      ['noto-sans-sc', 'Noto Sans SC', 500, 'NotoSansSC-Medium'],
    ] as const) {
      const { parts } = await subsetFace({ pkg, family, weight }, text);
      const names = fontNames(parts[0]!.data);
      expect(names.postscript).toBe(ps);
      expect(names.postscript).not.toMatch(/Thin|ExtraLight/);
      expect(fileChecksum(parts[0]!.data)).toBe(0xb1b0afba);
      // still a font harfbuzz reads, with the same glyphs
      expect(new hb.Face(new hb.Blob(parts[0]!.data)).collectUnicodes().length).toBeGreaterThanOrEqual(text.length);
    }
  });

  it('keeps a font whose names are already the family’s', async () => {
    const { parts } = await subsetFace({ pkg: 'lxgw-wenkai', family: 'LXGW WenKai', weight: 500 }, text);
    expect(fontNames(parts[0]!.data)).toEqual({ family: 'LXGW WenKai', postscript: 'LXGWWenKai-Regular' });
  });

  it('renames only the name table', async () => {
    const { parts } = await subsetFace({ pkg: 'noto-serif-sc', family: 'Noto Serif SC', weight: 700 }, text);
    const before = parts[0]!.data;
    const after = renameFont(before, realNames('Noto Serif SC', 700));
    const tables = (f: Uint8Array) => Object.fromEntries(readTables(f).tables.map((t) => [t.tag, Buffer.from(t.data).toString('hex')]));
    const [a, b] = [tables(before), tables(after)];
    for (const tag of Object.keys(a)) if (tag !== 'name' && tag !== 'head') expect(b[tag], tag).toBe(a[tag]);
    // every table's checksum in the directory is its own (kept for the tables left as they were, computed for name)
    for (const t of readTables(after).tables) {
      const data = t.tag === 'head' ? Uint8Array.from(t.data, (v, i) => (i >= 8 && i < 12 ? 0 : v)) : t.data;
      expect(t.checksum, t.tag).toBe(fileChecksum(data));
    }
    expect(fileChecksum(after)).toBe(0xb1b0afba);
  });
});

describe('glyph outlines (print/pdf/fonts.ts relies on them)', () => {
  it('keeps the asked glyphs, ids unchanged, and knows a foreign subset', async () => {
    const { parts } = await subsetFace({ pkg: 'noto-serif-sc', family: 'Noto Serif SC', weight: 400 }, text);
    const font = parts[0]!.data;
    const all = glyphsWithOutlines(font);
    const two = new Set([...all].slice(0, 2));
    const cut = keepGlyphs(font, two);
    expect(glyphsWithOutlines(cut)).toEqual(new Set([0, ...two].filter((g) => all.has(g))));
    expect(outlinesMatch(cut, font)).toBe(true);
    // A subset of other characters has other glyph ids: its outlines do not match.
    const other = (await subsetFace({ pkg: 'noto-serif-sc', family: 'Noto Serif SC', weight: 400 }, [...'天地玄黄宇宙洪荒'].map((c) => c.codePointAt(0)!))).parts[0]!.data;
    expect(outlinesMatch(other, font)).toBe(false);
  });
});
