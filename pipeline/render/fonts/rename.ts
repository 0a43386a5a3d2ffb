/**
 * The names a printer's preflight sees. The @fontsource files of Noto Sans/Serif SC are static
 * instances cut from the variable fonts and keep the default instance's names — family
 * 「Noto Sans SC Thin」, PostScript name `NotoSansSCThin-Bold` for the Bold — and Chromium
 * embeds a font in the PDF under its PostScript name (name ID 6). A preflight reading
 * "Thin" or "ExtraLight" on the body face raises an alarm, so the subsets get the family's
 * real names back: `NotoSansSC-Bold`, `NotoSerifSC-Regular`.
 *
 * Only the `name` table changes (OpenType spec, "name" and the font file's table directory):
 * the other tables are copied byte for byte, checksums and head.checkSumAdjustment recomputed.
 */

const STYLE: Record<number, string> = {
  100: 'Thin', 200: 'ExtraLight', 300: 'Light', 400: 'Regular', 500: 'Medium', 600: 'SemiBold', 700: 'Bold', 800: 'ExtraBold', 900: 'Black',
};

export interface FontNames {
  /** Typographic family, e.g. `Noto Sans SC`. */
  family: string;
  /** Typographic style, e.g. `Bold`, `Medium`. */
  style: string;
  /** PostScript name, e.g. `NotoSansSC-Bold`. */
  postscript: string;
}

/** The real names of `family` at CSS `weight`. */
export function realNames(family: string, weight: number): FontNames {
  const style = STYLE[weight] ?? String(weight);
  return { family, style, postscript: `${family.replace(/[^A-Za-z0-9]/g, '')}-${style}` };
}

import { writeSfnt } from './sfnt.mjs';

/** A table and, as read from a file's directory, its checksum: a writer keeps it for a table it leaves as it is (sfnt.mjs writeSfnt). */
export interface Table { tag: string; data: Uint8Array; checksum?: number }

/** The table directory of an OpenType/TrueType file. */
export function readTables(font: Uint8Array): { flavor: number; tables: Table[] } {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const flavor = view.getUint32(0);
  const count = view.getUint16(4);
  const tables: Table[] = [];
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(font[at]!, font[at + 1]!, font[at + 2]!, font[at + 3]!);
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    // the checksum too: summing every table of a 0.5 MB subset again cost ~10 ms a file on the main thread
    tables.push({ tag, data: font.subarray(offset, offset + length), checksum: view.getUint32(at + 4) });
  }
  return { flavor, tables };
}

interface NameRecord { platform: number; encoding: number; language: number; id: number; bytes: Uint8Array }

function readNames(table: Uint8Array): NameRecord[] {
  const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
  const count = view.getUint16(2);
  const strings = view.getUint16(4);
  const records: NameRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + i * 12;
    const length = view.getUint16(at + 8);
    const offset = view.getUint16(at + 10);
    records.push({
      platform: view.getUint16(at),
      encoding: view.getUint16(at + 2),
      language: view.getUint16(at + 4),
      id: view.getUint16(at + 6),
      bytes: table.slice(strings + offset, strings + offset + length),
    });
  }
  return records;
}

function writeNames(records: NameRecord[]): Uint8Array {
  const sorted = [...records].sort((a, b) => a.platform - b.platform || a.encoding - b.encoding || a.language - b.language || a.id - b.id);
  const strings = 6 + 12 * sorted.length;
  const size = strings + sorted.reduce((n, r) => n + r.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0);
  view.setUint16(2, sorted.length);
  view.setUint16(4, strings);
  let offset = 0;
  sorted.forEach((r, i) => {
    const at = 6 + i * 12;
    view.setUint16(at, r.platform);
    view.setUint16(at + 2, r.encoding);
    view.setUint16(at + 4, r.language);
    view.setUint16(at + 6, r.id);
    view.setUint16(at + 8, r.bytes.length);
    view.setUint16(at + 10, offset);
    out.set(r.bytes, strings + offset);
    offset += r.bytes.length;
  });
  return out;
}

const utf16be = (s: string) => {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[i * 2] = s.charCodeAt(i) >> 8;
    out[i * 2 + 1] = s.charCodeAt(i) & 0xff;
  }
  return out;
};
const decodeName = (r: NameRecord) =>
  r.platform === 3 || r.platform === 0 ? String.fromCharCode(...Array.from({ length: r.bytes.length / 2 }, (_, i) => (r.bytes[i * 2]! << 8) | r.bytes[i * 2 + 1]!)) : String.fromCharCode(...r.bytes);

/** The names a font file carries (Windows or Unicode platform first): family (ID 1) and PostScript name (ID 6). */
export function fontNames(font: Uint8Array): { family: string | null; postscript: string | null } {
  const name = readTables(font).tables.find((t) => t.tag === 'name');
  if (!name) return { family: null, postscript: null };
  const records = readNames(name.data).sort((a, b) => b.platform - a.platform);
  const get = (id: number) => {
    const r = records.find((x) => x.id === id && (x.platform === 3 || x.platform === 0 || x.platform === 1));
    return r ? decodeName(r) : null;
  };
  return { family: get(1), postscript: get(6) };
}

/** Replaced IDs: family, subfamily, unique ID, full name, PostScript name, typographic family/subfamily, WWS names, variations PS prefix. */
const REPLACED = new Set([1, 2, 3, 4, 6, 16, 17, 21, 22, 25]);

/**
 * `font` with the names `names`: RIBBI family/subfamily (1, 2: Regular and Bold keep the
 * family, other weights become `Family Style` / Regular), full name (4), PostScript name (6, 3),
 * typographic family and style (16, 17). Other names (copyright, licence, version) are kept.
 */
export function renameFont(font: Uint8Array, names: FontNames): Uint8Array {
  const { flavor, tables } = readTables(font);
  const name = tables.find((t) => t.tag === 'name');
  const kept = name ? readNames(name.data).filter((r) => !REPLACED.has(r.id)) : [];
  const ribbi = names.style === 'Regular' || names.style === 'Bold';
  const values: Array<[number, string]> = [
    [1, ribbi ? names.family : `${names.family} ${names.style}`],
    [2, ribbi ? names.style : 'Regular'],
    [3, names.postscript],
    [4, names.style === 'Regular' ? names.family : `${names.family} ${names.style}`],
    [6, names.postscript],
    [16, names.family],
    [17, names.style],
  ];
  const added: NameRecord[] = values.map(([id, value]) => ({ platform: 3, encoding: 1, language: 0x409, id, bytes: utf16be(value) }));
  const renamed = writeNames([...kept, ...added]);
  return writeSfnt(flavor, [...tables.filter((t) => t.tag !== 'name'), { tag: 'name', data: renamed }]);
}
