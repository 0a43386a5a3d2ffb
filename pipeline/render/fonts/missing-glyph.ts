/**
 * A font of our own for the characters no print face has (the emoji of a magazine, a rare
 * ideograph): without it Chromium falls back to a system font for them, and the PDF embedded
 * that font (DejaVu Sans for 😄 in rust-magazine-2021) — a font no pinned package decides and a
 * printer's preflight flags. Each character gets a glyph of its own: a box an em wide with its
 * code point in hexadecimal inside, in seven-segment digits, as the Unicode Last Resort font
 * draws it — the proofreader sees which character is missing, the PDF's text still copies out
 * as that character (Skia's ToUnicode maps each glyph back through the cmap), and two versions
 * of the font never share a glyph id for different characters with the same outline (the
 * merge unites copies by outlines, pdf/fonts.ts). The characters are still reported as missing.
 *
 * The font is TrueType, written table by table (OpenType spec): head, hhea, maxp, OS/2, hmtx,
 * cmap (format 4 for the BMP, 12 for all), loca, glyf, name, post; sfnt.mjs writes the file.
 */
import { writeSfnt } from './sfnt.mjs';

export const MISSING_FAMILY = 'Juan Missing Glyph';
const POSTSCRIPT = 'JuanMissingGlyph-Regular';
const UPEM = 1000;
const ASCENT = 880;
const DESCENT = -120;
const BOX = { x0: 60, x1: 940, y0: -100, y1: 820, stroke: 40 };

type Rect = [number, number, number, number]; // x0, y0, x1, y1

/** Seven segments per hex digit: a top, b top right, c bottom right, d bottom, e bottom left, f top left, g middle. */
const SEGMENTS: Record<string, string> = {
  '0': 'abcdef', '1': 'bc', '2': 'abged', '3': 'abgcd', '4': 'fgbc', '5': 'afgcd', '6': 'afgedc', '7': 'abc',
  '8': 'abcdefg', '9': 'abcdfg', A: 'abcefg', B: 'cdefg', C: 'adef', D: 'bcdeg', E: 'adefg', F: 'aefg',
};

/** The rectangles of one digit in the cell x0..x0+w, y0..y0+h (y up). */
function digitRects(digit: string, x0: number, y0: number, w: number, h: number, t: number): Rect[] {
  const mid = y0 + h / 2;
  const seg: Record<string, Rect> = {
    a: [x0, y0 + h - t, x0 + w, y0 + h],
    b: [x0 + w - t, mid, x0 + w, y0 + h],
    c: [x0 + w - t, y0, x0 + w, mid],
    d: [x0, y0, x0 + w, y0 + t],
    e: [x0, y0, x0 + t, mid],
    f: [x0, mid, x0 + t, y0 + h],
    g: [x0, mid - t / 2, x0 + w, mid + t / 2],
  };
  return [...SEGMENTS[digit]!].map((s) => seg[s]!.map(Math.round) as Rect);
}

/** Contours of the glyph for `cp`: the box (outer clockwise, inner counter-clockwise) and the digits. */
function glyphContours(cp: number | null): Array<Array<[number, number]>> {
  const { x0, x1, y0, y1, stroke } = BOX;
  const contours: Array<Array<[number, number]>> = [
    [[x0, y0], [x0, y1], [x1, y1], [x1, y0]],
    [[x0 + stroke, y0 + stroke], [x1 - stroke, y0 + stroke], [x1 - stroke, y1 - stroke], [x0 + stroke, y1 - stroke]],
  ];
  if (cp === null) return contours; // .notdef: the empty box
  const hex = cp.toString(16).toUpperCase().padStart(cp > 0xffff ? 6 : 4, '0');
  const cols = hex.length / 2;
  const pad = 120;
  const gap = 50;
  const cellW = (x1 - x0 - 2 * pad - (cols - 1) * gap) / cols;
  const cellH = (y1 - y0 - 2 * pad - gap) / 2;
  [...hex].forEach((digit, i) => {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const cx = x0 + pad + col * (cellW + gap);
    const cy = y1 - pad - (row + 1) * cellH - row * gap;
    for (const [a, b, c, d] of digitRects(digit, cx, cy, cellW, cellH, 36)) contours.push([[a, b], [a, d], [c, d], [c, b]]); // clockwise: filled
  });
  return contours;
}

/** A simple glyph: every point on the curve, coordinates as 16-bit deltas. */
function glyphBytes(contours: Array<Array<[number, number]>>): Uint8Array {
  const points = contours.flat();
  const out = new DataView(new ArrayBuffer(10 + 2 * contours.length + 2 + points.length * 5 + 1));
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  out.setInt16(0, contours.length);
  out.setInt16(2, Math.min(...xs));
  out.setInt16(4, Math.min(...ys));
  out.setInt16(6, Math.max(...xs));
  out.setInt16(8, Math.max(...ys));
  let at = 10;
  let lastPoint = -1;
  for (const c of contours) {
    lastPoint += c.length;
    out.setUint16(at, lastPoint); // endPtsOfContours
    at += 2;
  }
  out.setUint16(at, 0); // no instructions
  at += 2;
  for (let i = 0; i < points.length; i++) out.setUint8(at++, 0x01); // on the curve, coordinates as int16
  for (const coords of [xs, ys]) {
    let prev = 0;
    for (const c of coords) {
      out.setInt16(at, c - prev); // deltas from the previous point
      at += 2;
      prev = c;
    }
  }
  const bytes = new Uint8Array(out.buffer, 0, at);
  return bytes.length % 2 ? Uint8Array.from([...bytes, 0]) : bytes; // short loca: even offsets
}

function table(size: number, fill: (v: DataView) => void): Uint8Array {
  const v = new DataView(new ArrayBuffer(size));
  fill(v);
  return new Uint8Array(v.buffer);
}

/** cmap: (3,1) format 4 for the BMP code points, (3,10) format 12 for all; glyph i + 1 is codepoints[i]. */
function cmapTable(codepoints: number[]): Uint8Array {
  const bmp = codepoints.map((cp, i) => [cp, i + 1] as const).filter(([cp]) => cp <= 0xfffe);
  const segs = [...bmp.map(([cp, gid]) => ({ start: cp, end: cp, delta: (gid - cp) & 0xffff })), { start: 0xffff, end: 0xffff, delta: 1 }];
  const n = segs.length;
  const f4len = 16 + 8 * n;
  const f4 = table(f4len, (v) => {
    v.setUint16(0, 4);
    v.setUint16(2, f4len);
    v.setUint16(6, n * 2);
    let power = 1;
    let log = 0;
    while (power * 2 <= n) (power *= 2), log++;
    v.setUint16(8, power * 2);
    v.setUint16(10, log);
    v.setUint16(12, n * 2 - power * 2);
    segs.forEach((s, i) => {
      v.setUint16(14 + 2 * i, s.end);
      v.setUint16(16 + 2 * n + 2 * i, s.start);
      v.setUint16(16 + 4 * n + 2 * i, s.delta);
      v.setUint16(16 + 6 * n + 2 * i, 0);
    });
  });
  const f12len = 16 + 12 * codepoints.length;
  const f12 = table(f12len, (v) => {
    v.setUint16(0, 12);
    v.setUint32(4, f12len);
    v.setUint32(12, codepoints.length);
    codepoints.forEach((cp, i) => {
      v.setUint32(16 + 12 * i, cp);
      v.setUint32(20 + 12 * i, cp);
      v.setUint32(24 + 12 * i, i + 1);
    });
  });
  const header = table(4 + 16, (v) => {
    v.setUint16(2, 2);
    v.setUint16(4, 3), v.setUint16(6, 1), v.setUint32(8, 20);
    v.setUint16(12, 3), v.setUint16(14, 10), v.setUint32(16, 20 + f4len);
  });
  return Uint8Array.from([...header, ...f4, ...f12]);
}

function nameTable(): Uint8Array {
  const names: Array<[number, string]> = [[1, MISSING_FAMILY], [2, 'Regular'], [3, `juan:${POSTSCRIPT}`], [4, `${MISSING_FAMILY} Regular`], [5, 'Version 1.000'], [6, POSTSCRIPT]];
  const strings = names.map(([, s]) => Uint8Array.from([...s].flatMap((c) => [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff])));
  const headerLen = 6 + 12 * names.length;
  let offset = 0;
  const header = table(headerLen, (v) => {
    v.setUint16(2, names.length);
    v.setUint16(4, headerLen);
    names.forEach(([id], i) => {
      const at = 6 + 12 * i;
      v.setUint16(at, 3), v.setUint16(at + 2, 1), v.setUint16(at + 4, 0x409), v.setUint16(at + 6, id);
      v.setUint16(at + 8, strings[i]!.length), v.setUint16(at + 10, offset);
      offset += strings[i]!.length;
    });
  });
  return Uint8Array.from([...header, ...strings.flatMap((s) => [...s])]);
}

/** The font for `codepoints` (sorted, distinct): glyph 0 .notdef, glyph i + 1 the box of codepoints[i]. */
export function missingGlyphFont(codepoints: number[]): Uint8Array {
  const outlines = [glyphContours(null), ...codepoints.map((cp) => glyphContours(cp))];
  const glyphs = outlines.map(glyphBytes);
  const numGlyphs = glyphs.length;
  const glyf = Uint8Array.from(glyphs.flatMap((g) => [...g]));
  const loca = table(2 * (numGlyphs + 1), (v) => {
    let at = 0;
    glyphs.forEach((g, i) => {
      v.setUint16(2 * i, at / 2);
      at += g.length;
    });
    v.setUint16(2 * numGlyphs, at / 2);
  });
  const maxPoints = Math.max(...outlines.map((c) => c.flat().length));
  const maxContours = Math.max(...outlines.map((c) => c.length));
  const { x0, x1, y0, y1 } = BOX;
  const head = table(54, (v) => {
    v.setUint32(0, 0x00010000);
    v.setUint32(4, 0x00010000);
    v.setUint32(12, 0x5f0f3cf5);
    v.setUint16(16, 0x000b);
    v.setUint16(18, UPEM);
    v.setInt16(36, x0), v.setInt16(38, y0), v.setInt16(40, x1), v.setInt16(42, y1);
    v.setUint16(46, 8); // lowestRecPPEM
    v.setInt16(48, 2); // fontDirectionHint
    v.setInt16(50, 0); // short loca
  });
  const hhea = table(36, (v) => {
    v.setUint32(0, 0x00010000);
    v.setInt16(4, ASCENT), v.setInt16(6, DESCENT);
    v.setUint16(10, UPEM);
    v.setInt16(12, x0), v.setInt16(14, UPEM - x1), v.setInt16(16, x1);
    v.setInt16(18, 1);
    v.setUint16(34, numGlyphs);
  });
  const maxp = table(32, (v) => {
    v.setUint32(0, 0x00010000);
    v.setUint16(4, numGlyphs);
    v.setUint16(6, maxPoints);
    v.setUint16(8, maxContours);
    v.setUint16(14, 2); // maxZones
  });
  const bmp = codepoints.filter((cp) => cp <= 0xffff);
  const os2 = table(96, (v) => {
    v.setUint16(0, 4);
    v.setInt16(2, UPEM);
    v.setUint16(4, 400), v.setUint16(6, 5);
    v.setUint16(8, 0); // fsType 0: installable, may be embedded
    v.setInt16(10, 650), v.setInt16(12, 600), v.setInt16(14, 0), v.setInt16(16, 75);
    v.setInt16(18, 650), v.setInt16(20, 600), v.setInt16(22, 0), v.setInt16(24, 350);
    v.setInt16(26, 50), v.setInt16(28, 250);
    for (let i = 0; i < 4; i++) v.setUint8(58 + i, 'JUAN'.charCodeAt(i));
    v.setUint16(62, 0x0040); // REGULAR
    v.setUint16(64, bmp.length ? Math.min(...bmp) : 0xffff);
    v.setUint16(66, bmp.length ? Math.max(...bmp) : 0xffff);
    v.setInt16(68, ASCENT), v.setInt16(70, DESCENT), v.setInt16(72, 0);
    v.setUint16(74, ASCENT), v.setUint16(76, -DESCENT);
    v.setInt16(86, 500), v.setInt16(88, 700);
    v.setUint16(92, 32);
  });
  const hmtx = table(4 * numGlyphs, (v) => {
    for (let i = 0; i < numGlyphs; i++) v.setUint16(4 * i, UPEM), v.setInt16(4 * i + 2, x0);
  });
  const post = table(32, (v) => {
    v.setUint32(0, 0x00030000);
    v.setInt16(8, -100), v.setInt16(10, 50);
  });
  return writeSfnt(0x00010000, [
    { tag: 'head', data: head }, { tag: 'hhea', data: hhea }, { tag: 'maxp', data: maxp }, { tag: 'OS/2', data: os2 },
    { tag: 'hmtx', data: hmtx }, { tag: 'cmap', data: cmapTable(codepoints) }, { tag: 'loca', data: loca }, { tag: 'glyf', data: glyf },
    { tag: 'name', data: nameTable() }, { tag: 'post', data: post },
  ]);
}
