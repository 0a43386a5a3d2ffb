/**
 * Font subsets with exactly the characters a book uses, shared by the print and EPUB writers.
 *
 * Why: the browser pays for every font file it loads (decode, sanitise) and a whole CJK face
 * is large — LXGW WenKai alone is a 7 MB woff2, Noto Serif SC ~120 slices per book. A subset
 * of each face with the book's characters is a few hundred KB and loads in milliseconds.
 * harfbuzz (font-worker.mjs subsetSfnt) keeps the OpenType layout tables of the kept glyphs, so `halt`
 * (punctuation compression) and kerning still work.
 *
 * A face's characters are looked up in its files in order (fontsource.ts); one subset is
 * made per file that contributes (usually the chinese-simplified file alone), each declared
 * with the exact `unicode-range` it serves. Results are kept in memory for the build and, with
 * a cache, on disk by a hash of the package version, the file and the characters.
 */
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { WorkerRequests } from '../worker-requests.ts';
import { readDecoded, toolCachePath } from './tool-cache.mjs';
import * as hb from 'harfbuzzjs';
import { hashKey, type BuildCache } from '../../cache/store.ts';
import { timed } from '../../report/debug-timing.ts';
import { JuanError } from '../../report/errors.ts';
import { projectPath } from '../../paths.ts';
import { fontsourceSources, fontsourceVersion, inRanges } from './fontsource.ts';
import { fontNames, realNames, renameFont } from './rename.ts';

export interface FaceSpec {
  /** @fontsource package, e.g. `noto-serif-sc`. */
  pkg: string;
  /** CSS family name the stylesheets use. */
  family: string;
  weight: number;
  /**
   * Keep the glyph ids of the font file (print): subsets of one face for two versions of a
   * book then number their glyphs alike (font-worker.mjs subsetSfnt).
   */
  retainGids?: boolean;
}

export interface FontPart {
  family: string;
  weight: number;
  /** File name, e.g. `noto-serif-sc-400.ttf`. */
  name: string;
  data: Uint8Array;
  format: 'truetype' | 'opentype';
  /** Sorted code points this file serves (its unicode-range). */
  codepoints: number[];
}

export interface FaceSubset {
  parts: FontPart[];
  /** Requested code points none of the face's files has. */
  uncovered: number[];
}

export interface DecodedFont {
  /** The font as an OpenType/TrueType file. */
  sfnt: Uint8Array;
  unicodes: Set<number>;
  /** harfbuzz handle, for shaping (the cover). */
  font: hb.Font;
  upem: number;
}

/**
 * Where font requests go: the font worker (font-worker.mjs), started on first use and kept for
 * the process — or, in another thread of the process (the EPUB's, epub/in-thread.ts), a port to
 * that same worker (useFontWorkerPort), so that every font is decoded once per process.
 */
type FontReply = { id: number; error?: string } & Record<string, unknown>;
let requests: WorkerRequests<FontReply> | null = null;

/** Requests on `endpoint`, failed (and the next call starting afresh) when it goes away. */
function fontRequests(endpoint: Worker | MessagePort): { requests: WorkerRequests<FontReply>; fail(error: unknown): void } {
  const own = new WorkerRequests<FontReply>(endpoint);
  const fail = (error: unknown) => {
    if (requests === own) requests = null;
    own.failAll(new JuanError('render', `字体处理进程意外退出：${String(error)}`, { source: 'fonts', cause: error }));
  };
  return { requests: own, fail };
}

function fontWorker(): WorkerRequests<FontReply> {
  const w = new Worker(projectPath('pipeline', 'render', 'fonts', 'font-worker.mjs'));
  const { requests: own, fail } = fontRequests(w);
  w.on('error', fail);
  w.on('exit', (code) => fail(`exit ${code}`));
  return own;
}

/**
 * A port to this thread's font worker, for another thread to pass to useFontWorkerPort. The
 * worker is started only when that thread first asks for something, and the port moves to it
 * with that first request: an EPUB rebuild whose subsets and cover are cached asks for nothing,
 * and starting the worker for it cost ~0.1–0.2 CPU-s (its modules, harfbuzz's wasm).
 */
export function fontWorkerPort(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  const onFirst = (first: unknown) => {
    port2.off('message', onFirst);
    requests ??= fontWorker();
    requests.endpoint.postMessage({ op: 'attach', port: port2, first }, [port2]); // what came after `first` moves with the port
  };
  port2.on('message', onFirst);
  port2.unref(); // after the listener: adding one refs it again
  return port1;
}

/** In a thread given a fontWorkerPort: its font requests go there. */
export function useFontWorkerPort(port: MessagePort): void {
  const { requests: own, fail } = fontRequests(port);
  requests = own;
  port.on('close', () => fail('port closed'));
}

async function callWorker<T>(op: string, args: Record<string, unknown>): Promise<T> {
  const reply = await (requests ??= fontWorker()).send({ op, ...args });
  if (reply.error) throw new JuanError('render', `字体处理失败：${reply.error.split('\n')[0]}`, { source: 'fonts', cause: reply.error });
  return reply as T;
}

/**
 * A font file as the install keeps it decoded (tool-cache.mjs), read on this thread: what it
 * has there is not asked of the worker (a rebuild then starts none). Null until the worker has
 * decoded the file once.
 */
function keptFont(file: string): { sfnt: Uint8Array; unicodes: Uint32Array } | null {
  return readDecoded(toolCachePath(file));
}

const coverage = new Map<string, Promise<Set<number>>>();

/** The code points a font file has (kept for the install, else decoded in the worker; once per process). */
function codePointsOf(file: string): Promise<Set<number>> {
  let p = coverage.get(file);
  if (!p) {
    const kept = keptFont(file);
    p = kept ? Promise.resolve(new Set(kept.unicodes)) : timed('font', `decode ${path.basename(file)}`, () => callWorker<{ unicodes: Uint32Array }>('decode', { file })).then((r) => new Set(r.unicodes));
    coverage.set(file, p);
    p.catch(() => coverage.delete(file));
  }
  return p;
}

/**
 * Start decoding the faces' main files now (in the worker), before the book's characters
 * are known: the subsets are then quick when asked for.
 */
export function prefetchFaces(faces: FaceSpec[]): void {
  for (const face of faces) {
    const first = fontsourceSources(face.pkg, face.weight)[0];
    // asked of the worker even when the install keeps the font: the worker loads its modules
    // and harfbuzz's wasm meanwhile, and has the font in memory for the subsets
    if (first && !coverage.has(first.file)) {
      const p = callWorker<{ unicodes: Uint32Array }>('decode', { file: first.file }).then((r) => new Set(r.unicodes));
      coverage.set(first.file, p);
      p.catch(() => coverage.delete(first.file));
    }
  }
}

const programs = new Map<string, Promise<Uint8Array>>();

/**
 * A font file's OpenType program, once per process: read from the install's decoded fonts on
 * this thread (keptFont) — a rebuild of a book with formulas starts no font worker for the
 * merge's KaTeX faces — or decoded in the worker the first time.
 */
export function fontProgram(file: string): Promise<Uint8Array> {
  let p = programs.get(file);
  if (!p) {
    const kept = keptFont(file);
    p = kept ? Promise.resolve(kept.sfnt) : callWorker<{ sfnt: Uint8Array }>('sfnt', { file }).then((r) => r.sfnt);
    programs.set(file, p);
    p.catch(() => programs.delete(file));
  }
  return p;
}

const decoded = new Map<string, Promise<DecodedFont>>();

/** A font file decoded once per process, with harfbuzz handles for shaping. */
export function decodeFont(file: string): Promise<DecodedFont> {
  let p = decoded.get(file);
  if (!p) {
    p = (async () => {
      const sfnt = await fontProgram(file);
      const face = new hb.Face(new hb.Blob(sfnt));
      return { sfnt, unicodes: await codePointsOf(file), font: new hb.Font(face), upem: face.upem };
    })();
    decoded.set(file, p);
    p.catch(() => decoded.delete(file));
  }
  return p;
}

const subsets = new Map<string, Promise<FaceSubset>>();

/** One face cut down to `codepoints` (memoised per process; on disk with a cache). */
export function subsetFace(face: FaceSpec, codepoints: Iterable<number>, cache?: BuildCache): Promise<FaceSubset> {
  const wanted = [...new Set(codepoints)].sort((a, b) => a - b);
  const key = hashKey('font-subset-3', face.pkg, fontsourceVersion(face.pkg), face.family, String(face.weight), face.retainGids ? 'retain-gids' : '', wanted.join(','));
  let p = subsets.get(key);
  if (!p) {
    p = (async () => {
      const hit = cache && readCached(cache, key);
      if (hit) return hit;
      const result = await makeSubset(face, wanted);
      if (cache) writeCached(cache, key, result);
      return result;
    })();
    subsets.set(key, p);
    p.catch(() => subsets.delete(key));
  }
  return p;
}

/** One face cut down to `wanted` (sorted code points), made afresh: neither memoised nor cached. */
export async function makeSubset(face: FaceSpec, wanted: number[]): Promise<FaceSubset> {
  let remaining = wanted;
  const parts: FontPart[] = [];
  for (const source of fontsourceSources(face.pkg, face.weight)) {
    if (!remaining.length) break;
    const candidates = source.ranges ? remaining.filter((cp) => inRanges(cp, source.ranges!)) : remaining;
    if (!candidates.length) continue;
    const has = await codePointsOf(source.file);
    const mine = candidates.filter((cp) => has.has(cp));
    if (!mine.length) continue;
    const taken = new Set(mine);
    remaining = remaining.filter((cp) => !taken.has(cp));
    const { data: cut } = await timed('font', `subset ${path.basename(source.file)}`, () => callWorker<{ data: Uint8Array }>('subset', { file: source.file, codepoints: mine, retainGids: face.retainGids ?? false }));
    // The family's real names (not a variable-font instance's, e.g. 「Noto Sans SC Thin」): rename.ts.
    const data = fontNames(cut).family === face.family ? cut : renameFont(cut, realNames(face.family, face.weight));
    const format = data[0] === 0x4f && data[1] === 0x54 && data[2] === 0x54 && data[3] === 0x4f ? 'opentype' : 'truetype';
    const base = path.basename(face.pkg);
    const name = `${base}-${face.weight}${parts.length ? `-${parts.length + 1}` : ''}.${format === 'opentype' ? 'otf' : 'ttf'}`;
    parts.push({ family: face.family, weight: face.weight, name, data, format, codepoints: mine });
  }
  return { parts, uncovered: remaining };
}

interface CachedSubset {
  parts: Array<Omit<FontPart, 'data'>>;
  uncovered: number[];
}

function readCached(cache: BuildCache, key: string): FaceSubset | null {
  const meta = cache.getJson<CachedSubset>('font', key);
  if (!meta) return null;
  const parts: FontPart[] = [];
  for (const [i, part] of meta.parts.entries()) {
    const data = cache.get('font', `${key}-${i}`, 'bin');
    if (!data) return null;
    parts.push({ ...part, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }
  return { parts, uncovered: meta.uncovered };
}

function writeCached(cache: BuildCache, key: string, subset: FaceSubset): void {
  subset.parts.forEach((part, i) => cache.put('font', `${key}-${i}`, 'bin', part.data));
  cache.putJson('font', key, { parts: subset.parts.map(({ data: _data, ...rest }) => rest), uncovered: subset.uncovered } satisfies CachedSubset);
}

/** `U+4E00-4E01,U+4E03` for a sorted list of code points. */
export function unicodeRange(codepoints: number[]): string {
  const ranges: string[] = [];
  let i = 0;
  while (i < codepoints.length) {
    let j = i;
    while (j + 1 < codepoints.length && codepoints[j + 1] === codepoints[j]! + 1) j++;
    const hex = (n: number) => n.toString(16).toUpperCase();
    ranges.push(i === j ? `U+${hex(codepoints[i]!)}` : `U+${hex(codepoints[i]!)}-${hex(codepoints[j]!)}`);
    i = j + 1;
  }
  return ranges.join(',');
}

/** @font-face rules for subset files at `${base}/<name>`, or at the URL `base` gives for each part (e.g. a data: URL). */
export function subsetFontFaceCss(parts: FontPart[], base: string | ((part: FontPart) => string), display = 'block'): string {
  const url = typeof base === 'string' ? (p: FontPart) => `${base}/${p.name}` : base;
  return parts
    .map(
      (p) =>
        `@font-face{font-family:'${p.family}';font-style:normal;font-weight:${p.weight};font-display:${display};` +
        `src:url(${url(p)}) format('${p.format}');unicode-range:${unicodeRange(p.codepoints)};}`,
    )
    .join('\n');
}
