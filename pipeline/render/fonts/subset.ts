/**
 * Font subsets with exactly the characters a book uses, shared by the print and EPUB writers.
 *
 * Why: the browser pays for every font file it loads (decode, sanitise) and a whole CJK face
 * is large — LXGW WenKai alone is a 7 MB woff2, Noto Serif SC ~120 slices per book. A subset
 * of each face with the book's characters is a few hundred KB and loads in milliseconds.
 * harfbuzz (subset-font) keeps the OpenType layout tables of the kept glyphs, so `halt`
 * (punctuation compression) and kerning still work.
 *
 * A face's characters are looked up in its files in order (fontsource.ts); one subset is
 * made per file that contributes (usually the chinese-simplified file alone), each declared
 * with the exact `unicode-range` it serves. Results are kept in memory for the build and, with
 * a cache, on disk by a hash of the package version, the file and the characters.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fontverter from 'fontverter';
import subsetFont from 'subset-font';
import * as hb from 'harfbuzzjs';
import { hashKey, type BuildCache } from '../../cache/store.ts';
import { fontsourceSources, fontsourceVersion, inRanges } from './fontsource.ts';

export interface FaceSpec {
  /** @fontsource package, e.g. `noto-serif-sc`. */
  pkg: string;
  /** CSS family name the stylesheets use. */
  family: string;
  weight: number;
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
 * WOFF2 decoding and subsetting (wasm) are not safe to run concurrently: two overlapping
 * conversions gave a font whose glyph outlines were all empty. Every call waits for the previous one.
 */
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

const decoded = new Map<string, Promise<DecodedFont>>();

/** A font file decoded once per process. */
export function decodeFont(file: string): Promise<DecodedFont> {
  let p = decoded.get(file);
  if (!p) {
    p = (async () => {
      const sfnt = new Uint8Array(await serially(() => fontverter.convert(readFileSync(file), 'sfnt')));
      const face = new hb.Face(new hb.Blob(sfnt));
      return { sfnt, unicodes: new Set(face.collectUnicodes()), font: new hb.Font(face), upem: face.upem };
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
  const key = hashKey('font-subset-1', face.pkg, fontsourceVersion(face.pkg), face.family, String(face.weight), wanted.join(','));
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

async function makeSubset(face: FaceSpec, wanted: number[]): Promise<FaceSubset> {
  let remaining = wanted;
  const parts: FontPart[] = [];
  for (const source of fontsourceSources(face.pkg, face.weight)) {
    if (!remaining.length) break;
    const candidates = source.ranges ? remaining.filter((cp) => inRanges(cp, source.ranges!)) : remaining;
    if (!candidates.length) continue;
    const font = await decodeFont(source.file);
    const mine = candidates.filter((cp) => font.unicodes.has(cp));
    if (!mine.length) continue;
    const taken = new Set(mine);
    remaining = remaining.filter((cp) => !taken.has(cp));
    const data = new Uint8Array(await serially(() => subsetFont(Buffer.from(font.sfnt.buffer, font.sfnt.byteOffset, font.sfnt.byteLength), String.fromCodePoint(...mine), { targetFormat: 'sfnt' })));
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

/** @font-face rules for subset files at `${base}/<name>`. */
export function subsetFontFaceCss(parts: FontPart[], base: string, display = 'block'): string {
  return parts
    .map(
      (p) =>
        `@font-face{font-family:'${p.family}';font-style:normal;font-weight:${p.weight};font-display:${display};` +
        `src:url(${base}/${p.name}) format('${p.format}');unicode-range:${unicodeRange(p.codepoints)};}`,
    )
    .join('\n');
}
