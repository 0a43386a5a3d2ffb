/*
 * The font work of a build — decoding the font files and harfbuzz subsetting (wasm), ~0.5 s
 * for a cold book — in a worker thread, so that Node's main thread is free meanwhile to read the
 * manuscript, build the HTML and answer the browser while it starts (subset.ts is the API).
 *
 * Plain JavaScript loaded by path: it runs the same from the TypeScript sources and from the
 * bundled CLI. Requests are served one at a time, in order: two overlapping conversions once
 * gave a font whose glyph outlines were all empty.
 *
 *   { id, op: 'decode', file }            → { unicodes: Uint32Array }  (the font stays here)
 *   { id, op: 'sfnt', file }              → { sfnt: Uint8Array }       (a copy, for shaping)
 *   { id, op: 'subset', file, codepoints, retainGids } → { data: Uint8Array }
 *   { op: 'attach', port, first }          another thread's requests come on `port`, the first of
 *                                          them with it (subset.ts fontWorkerPort): the fonts are
 *                                          decoded once per process
 *   errors                                → { id, error: message }
 */
import { parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { writeSfnt } from './sfnt.mjs';
import { readDecoded, toolCachePath, writeDecoded } from './tool-cache.mjs';

/**
 * WOFF 1.0 → OpenType (W3C WOFF 1.0 §5, §6): each table zlib-compressed on its own. Native
 * zlib does LXGW WenKai's 10 MB in ~70 ms; fontverter's decoder (JS inflate) takes 0.6–1.2 s,
 * and a WOFF2 of it (brotli and glyf transforms in wasm) 0.4–0.6 s — that is why the WOFF
 * files of the @fontsource packages are the sources (fontsource.ts).
 */
function woffToSfnt(woff) {
  const view = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  const flavor = view.getUint32(4);
  const numTables = view.getUint16(12);
  const tables = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const offset = view.getUint32(at + 4);
    const compLength = view.getUint32(at + 8);
    const origLength = view.getUint32(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : raw;
    if (data.length !== origLength) throw new Error(`WOFF table ${i} inflates to ${data.length} bytes, not ${origLength}`);
    tables.push({ tag: woff.toString('latin1', at, at + 4), checksum: view.getUint32(at + 16), data });
  }
  return writeSfnt(flavor, tables);
}

/** file → its OpenType bytes and code points. */
const decoded = new Map();

async function decode(file) {
  let font = decoded.get(file);
  if (!font) {
    const base = toolCachePath(file);
    font = readDecoded(base);
    if (!font) {
      const bytes = readFileSync(file);
      const isWoff = bytes.length > 44 && bytes.toString('latin1', 0, 4) === 'wOFF';
      // fontverter and harfbuzzjs only for a font the tool cache does not have yet (~60 ms CPU
      // to load both, at the start of every build, when the browser is starting too)
      const sfnt = isWoff ? woffToSfnt(bytes) : new Uint8Array(await (await import('fontverter')).default.convert(bytes, 'sfnt'));
      const hbjs = await import('harfbuzzjs');
      const face = new hbjs.Face(new hbjs.Blob(sfnt));
      font = { sfnt, unicodes: Uint32Array.from(face.collectUnicodes()) };
      face.destroy?.();
      writeDecoded(base, font);
    }
    decoded.set(file, font);
  }
  return font;
}

/**
 * harfbuzz's subsetter (harfbuzzjs's hb-subset wasm), called as subset-font called it — every
 * layout feature kept, the characters' glyphs (and what their features reach) — which gave the
 * same bytes on all 258 font files juan had decoded. Called directly for what subset-font does
 * not offer: `retainGids` (HB_SUBSET_FLAGS_RETAIN_GIDS), for print. A print subset keeps the
 * glyph ids of the font file it is cut from, so the subsets of one face made for two versions of
 * a book number their glyphs alike: the PDF of a paper printed before an edit brought a new
 * character into the book uses the same glyph ids as one printed after it, and the merge
 * (render/print/pdf/fonts.ts) embeds the face once. Those subsets also drop the vertical
 * metrics (the book is set horizontally, and with every glyph id kept they are as long as hmtx).
 */
const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_DROP_TABLE_TAG = 3;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
const HB_SUBSET_FLAGS_RETAIN_GIDS = 0x00000002;
const VERTICAL_METRICS = ['vhea', 'vmtx', 'VORG'];
const tag = (s) => [...s].reduce((a, c) => (a << 8) + c.charCodeAt(0), 0) >>> 0;
let subsetWasm = null;

async function harfbuzzSubset() {
  subsetWasm ??= (async () => {
    const require = createRequire(import.meta.url);
    const { instance } = await WebAssembly.instantiate(readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')));
    instance.exports._initialize();
    return instance.exports;
  })();
  return subsetWasm;
}

async function subsetSfnt(sfnt, codepoints, retainGids) {
  const hb = await harfbuzzSubset();
  const heap = () => new Uint8Array(hb.memory.buffer); // the memory may grow: a fresh view each time
  const input = hb.hb_subset_input_create_or_fail();
  if (!input) throw new Error('hb_subset_input_create_or_fail failed');
  const buffer = hb.malloc(sfnt.byteLength);
  heap().set(sfnt, buffer);
  const blob = hb.hb_blob_create(buffer, sfnt.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  try {
    const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
    hb.hb_set_clear(features);
    hb.hb_set_invert(features);
    if (retainGids) {
      hb.hb_subset_input_set_flags(input, hb.hb_subset_input_get_flags(input) | HB_SUBSET_FLAGS_RETAIN_GIDS);
      const dropped = hb.hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
      for (const t of VERTICAL_METRICS) hb.hb_set_add(dropped, tag(t));
    }
    const unicodes = hb.hb_subset_input_unicode_set(input);
    for (const cp of codepoints) hb.hb_set_add(unicodes, cp);
    const subset = hb.hb_subset_or_fail(face, input);
    if (!subset) throw new Error('hb_subset_or_fail failed');
    const result = hb.hb_face_reference_blob(subset);
    const offset = hb.hb_blob_get_data(result, 0);
    const length = hb.hb_blob_get_length(result);
    const data = heap().slice(offset, offset + length);
    hb.hb_blob_destroy(result);
    hb.hb_face_destroy(subset);
    if (!length) throw new Error('harfbuzz made an empty subset');
    return data;
  } finally {
    hb.hb_subset_input_destroy(input);
    hb.hb_face_destroy(face);
    hb.free(buffer);
  }
}

const ops = {
  async decode({ file }) {
    const { unicodes } = await decode(file);
    return { result: { unicodes: unicodes.slice() } };
  },
  async sfnt({ file }) {
    const sfnt = (await decode(file)).sfnt.slice();
    return { result: { sfnt }, transfer: [sfnt.buffer] };
  },
  async subset({ file, codepoints, retainGids }) {
    const { sfnt } = await decode(file);
    const data = await subsetSfnt(sfnt, codepoints, retainGids);
    return { result: { data }, transfer: [data.buffer] };
  },
};

let queue = Promise.resolve();
/** Answer `request` on `port`, in one queue with every other port's requests. */
function answer(port, request) {
  queue = queue.then(async () => {
    try {
      const { result, transfer } = await ops[request.op](request);
      port.postMessage({ id: request.id, ...result }, transfer ?? []);
    } catch (error) {
      port.postMessage({ id: request.id, error: String(error?.stack ?? error) });
    }
  });
}
/** Serve the requests that come on `port`. */
function serve(port) {
  port.on('message', (request) => {
    if (request.op !== 'attach') return answer(port, request);
    serve(request.port);
    if (request.first) answer(request.port, request.first);
  });
}
serve(parentPort);
