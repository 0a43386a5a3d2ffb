/**
 * A TrueType font with only some glyphs' outlines, every glyph id kept (the others empty) —
 * what Chromium's PDF writer embeds (CIDToGIDMap /Identity), so a PDF's content streams stay
 * valid when their font program is swapped for this one (print/pdf/fonts.ts).
 */
import { readTables } from './rename.ts';
import { writeSfnt } from './sfnt.mjs';

/** Glyph ids whose outline is not empty (a subset embedded with retained glyph ids has exactly its used glyphs). */
export function glyphsWithOutlines(font: Uint8Array): Set<number> {
  return new Set(drawnGlyphs(font));
}

const drawnOf = new WeakMap<Uint8Array, Uint32Array>();

/** The ids of the glyphs with an outline, ascending; read once per font (a copy in a PDF has a few hundred of tens of thousands). */
function drawnGlyphs(font: Uint8Array): Uint32Array {
  let drawn = drawnOf.get(font);
  if (!drawn) {
    const { loca, count } = locations(font);
    const ids: number[] = [];
    for (let g = 0; g < count; g++) if (loca[g + 1]! > loca[g]!) ids.push(g);
    drawnOf.set(font, (drawn = Uint32Array.from(ids)));
  }
  return drawn;
}

interface Locations {
  /** glyf offsets of glyphs 0…count (count + 1 entries). */
  loca: Uint32Array;
  count: number;
  glyf: Uint8Array;
}

/**
 * Each font's glyph locations, read once: the merge asks for those of our subsets again for
 * every copy of a face, and a subset that keeps the font file's glyph ids has tens of thousands.
 */
const locationsOf = new WeakMap<Uint8Array, Locations>();

function locations(font: Uint8Array): Locations {
  const known = locationsOf.get(font);
  if (known) return known;
  const { tables } = readTables(font);
  const head = tables.find((t) => t.tag === 'head');
  const locaTable = tables.find((t) => t.tag === 'loca');
  const maxp = tables.find((t) => t.tag === 'maxp');
  const glyf = tables.find((t) => t.tag === 'glyf');
  if (!head || !locaTable || !maxp || !glyf) throw new Error('not a TrueType (glyf) font');
  const long = new DataView(head.data.buffer, head.data.byteOffset).getInt16(50) === 1;
  const count = new DataView(maxp.data.buffer, maxp.data.byteOffset).getUint16(4);
  const view = new DataView(locaTable.data.buffer, locaTable.data.byteOffset, locaTable.data.byteLength);
  const loca = new Uint32Array(count + 1);
  if (long) for (let g = 0; g <= count; g++) loca[g] = view.getUint32(g * 4);
  else for (let g = 0; g <= count; g++) loca[g] = view.getUint16(g * 2) * 2;
  const found = { loca, count, glyf: glyf.data };
  locationsOf.set(font, found);
  return found;
}

/** `font` with the outlines of `keep` (and glyph 0, .notdef) only; loca written in the long format. */
export function keepGlyphs(font: Uint8Array, keep: Set<number>): Uint8Array {
  const { flavor, tables } = readTables(font);
  const { loca, count, glyf } = locations(font);
  const pieces: Uint8Array[] = [];
  const offsets = new Uint32Array(count + 1);
  let at = 0;
  for (let g = 0; g < count; g++) {
    offsets[g] = at;
    if (g !== 0 && !keep.has(g)) continue;
    const piece = glyf.subarray(loca[g]!, loca[g + 1]!);
    pieces.push(piece);
    at += piece.length;
    // Glyphs start on 4-byte boundaries.
    const pad = (4 - (piece.length % 4)) % 4;
    if (pad) {
      pieces.push(new Uint8Array(pad));
      at += pad;
    }
  }
  offsets[count] = at;
  const newGlyf = new Uint8Array(at);
  let o = 0;
  for (const p of pieces) {
    newGlyf.set(p, o);
    o += p.length;
  }
  const newLoca = new Uint8Array((count + 1) * 4);
  const lv = new DataView(newLoca.buffer);
  for (let i = 0; i <= count; i++) lv.setUint32(i * 4, offsets[i]!);
  const out = tables.map((t) => {
    if (t.tag === 'glyf') return { tag: t.tag, data: newGlyf };
    if (t.tag === 'loca') return { tag: t.tag, data: newLoca };
    if (t.tag === 'head') {
      const head = t.data.slice();
      new DataView(head.buffer).setInt16(50, 1);
      return { tag: t.tag, data: head };
    }
    return t;
  });
  return writeSfnt(flavor, out);
}

/** Advance width of glyph `g` in 1/1000 em (the unit of a PDF font's W array), from hhea/hmtx. */
export function advanceWidths(font: Uint8Array): (g: number) => number {
  const { tables } = readTables(font);
  const get = (tag: string) => {
    const t = tables.find((x) => x.tag === tag);
    if (!t) throw new Error(`font has no ${tag} table`);
    return new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  };
  const upem = get('head').getUint16(18);
  const metrics = get('hhea').getUint16(34);
  const hmtx = get('hmtx');
  return (g) => Math.round((hmtx.getUint16(Math.min(g, metrics - 1) * 4) * 1000) / upem);
}

/** Whether every outline `copy` has is byte-identical in `source` (copy was subset from source, glyph ids kept). */
export function outlinesMatch(copy: Uint8Array, source: Uint8Array): boolean {
  const a = locations(copy);
  const b = locations(source);
  for (const g of drawnGlyphs(copy)) {
    if (g === 0) continue;
    const lenA = a.loca[g + 1]! - a.loca[g]!;
    if (g >= b.count) return false;
    const lenB = b.loca[g + 1]! - b.loca[g]!;
    // The same glyph, byte for byte, up to the padding either file adds (≤ 3 zero bytes).
    if (!lenB || Math.abs(lenA - lenB) > 3) return false;
    const n = Math.min(lenA, lenB);
    if (Buffer.compare(a.glyf.subarray(a.loca[g]!, a.loca[g]! + n), b.glyf.subarray(b.loca[g]!, b.loca[g]! + n)) !== 0) return false;
    const [longer, at] = lenA > lenB ? [a, a.loca[g]!] : [b, b.loca[g]!];
    for (let i = n; i < Math.max(lenA, lenB); i++) if (longer.glyf[at + i] !== 0) return false;
  }
  return true;
}
