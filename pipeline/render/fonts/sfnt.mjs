/*
 * Writing an OpenType/TrueType file from its tables (OpenType spec, "Organization of an
 * OpenType Font": table directory, 4-byte alignment, checksums). One writer for the font
 * worker (WOFF 1.0 → sfnt) and the TypeScript side (rename.ts, glyphs.ts). Plain JavaScript,
 * because the worker is loaded by path and not bundled.
 */

/**
 * A table: `tag` (4 characters) and its bytes; `checksum` if already known (a WOFF file
 * carries each table's), else it is computed.
 * @typedef {{ tag: string, data: Uint8Array, checksum?: number }} SfntTable
 */

/**
 * The OpenType checksum of `data`: the sum of its big-endian uint32s, zero-padded to 4 bytes.
 * @param {Uint8Array} data
 * @returns {number}
 */
export function tableChecksum(data) {
  let sum = 0;
  const padded = data.length % 4 ? new Uint8Array((data.length + 3) & ~3) : data;
  if (padded !== data) padded.set(data);
  const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + view.getUint32(i)) >>> 0;
  return sum;
}

/**
 * A font file of `tables`, sorted by tag and padded. When any table's checksum had to be
 * computed (its bytes changed), head.checkSumAdjustment is recomputed over the whole file;
 * when all came with theirs (a WOFF decoded as it is), head is copied untouched — summing a
 * 10 MB font again would only cost time.
 * @param {number} flavor the sfnt version (0x00010000 TrueType, 'OTTO' CFF)
 * @param {SfntTable[]} tables
 * @returns {Uint8Array}
 */
export function writeSfnt(flavor, tables) {
  const sorted = [...tables].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const adjust = sorted.some((t) => t.checksum === undefined);
  const count = sorted.length;
  let size = 12 + 16 * count;
  for (const t of sorted) size += (t.data.length + 3) & ~3;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let power = 1;
  let log = 0;
  while (power * 2 <= count) {
    power *= 2;
    log++;
  }
  view.setUint32(0, flavor);
  view.setUint16(4, count);
  view.setUint16(6, power * 16);
  view.setUint16(8, log);
  view.setUint16(10, count * 16 - power * 16);
  let offset = 12 + 16 * count;
  let headOffset = -1;
  sorted.forEach((t, i) => {
    let data = t.data;
    if (t.tag === 'head' && adjust) {
      data = t.data.slice();
      new DataView(data.buffer, data.byteOffset).setUint32(8, 0); // checkSumAdjustment counts as 0
    }
    for (let k = 0; k < 4; k++) out[12 + i * 16 + k] = t.tag.charCodeAt(k);
    view.setUint32(16 + i * 16, t.checksum ?? tableChecksum(data));
    view.setUint32(20 + i * 16, offset);
    view.setUint32(24 + i * 16, data.length);
    out.set(data, offset);
    if (t.tag === 'head') headOffset = offset;
    offset += (data.length + 3) & ~3;
  });
  if (adjust && headOffset >= 0) view.setUint32(headOffset + 8, (0xb1b0afba - tableChecksum(out)) >>> 0);
  return out;
}
