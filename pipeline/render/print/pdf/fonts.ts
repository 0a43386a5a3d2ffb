/**
 * Each face once in the merged book. Every layout tab prints a PDF of its own, and Chromium
 * (Skia) embeds in it a subset of each face with the glyphs that tab used — so the merged
 * book had every face twice or more, and which glyphs each copy held depended on how the
 * papers were grouped into tabs (a cached build groups them differently from a cold one).
 *
 * Skia subsets with the glyph ids kept (CIDToGIDMap /Identity, CID = glyph id of the font it
 * was given), and the font it was given is our own subset of the face with the book's
 * characters (render/fonts/subset.ts). So every copy of a face is replaced by ONE font dict
 * whose program is that subset: the widths (W) and ToUnicode maps of the copies are united,
 * every reference to a copy points to it, the copies are deleted. The subset tag is derived
 * from the font program's bytes, so equal books give equal bytes however they were laid out.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import {
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';
import { advanceWidths, glyphsWithOutlines, keepGlyphs, outlinesMatch } from '../../fonts/glyphs.ts';
import { fontNames } from '../../fonts/rename.ts';
import { streamBytes } from './streams.ts';

interface FontCopy {
  ref: PDFRef;
  dict: PDFDict;
  descendantRef: PDFRef;
  descendant: PDFDict;
  descriptorRef: PDFRef;
  descriptor: PDFDict;
}

const N = (name: string) => PDFName.of(name);
const stripTag = (name: string) => name.replace(/^\/?([A-Z]{6}\+)?/, '');

/** The CID → width map of a CIDFont's W array (PDF 32000-1 §9.7.4.3). */
export function parseWidths(w: PDFArray | undefined, lookup: (o: PDFObject | undefined) => PDFObject | undefined): Map<number, number> {
  const widths = new Map<number, number>();
  if (!w) return widths;
  const items = w.asArray().map((o) => lookup(o));
  for (let i = 0; i < items.length; ) {
    const first = (items[i] as PDFNumber).asNumber();
    const next = items[i + 1];
    if (next instanceof PDFArray) {
      next.asArray().forEach((o, k) => widths.set(first + k, (lookup(o) as PDFNumber).asNumber()));
      i += 2;
    } else {
      const last = (next as PDFNumber).asNumber();
      const width = (items[i + 2] as PDFNumber).asNumber();
      for (let c = first; c <= last; c++) widths.set(c, width);
      i += 3;
    }
  }
  return widths;
}

/** A W array for `widths`: runs of consecutive CIDs as `c [w1 w2 …]`. */
export function widthsArray(widths: Map<number, number>): Array<number | number[]> {
  const cids = [...widths.keys()].sort((a, b) => a - b);
  const out: Array<number | number[]> = [];
  for (let i = 0; i < cids.length; ) {
    let j = i;
    while (j + 1 < cids.length && cids[j + 1] === cids[j]! + 1) j++;
    out.push(cids[i]!, cids.slice(i, j + 1).map((c) => widths.get(c)!));
    i = j + 1;
  }
  return out;
}

const hex = (s: string) => parseInt(s, 16);
/** UTF-16BE hex → string. */
const fromUtf16 = (h: string) => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map(hex));
const toUtf16 = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')).join('');

/** The code → text map of a ToUnicode CMap (bfchar and bfrange sections). */
export function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const section of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of section[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>/g)) map.set(hex(m[1]!), fromUtf16(m[2]!));
  }
  for (const section of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of section[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]*)>|\[([^\]]*)\])/g)) {
      const lo = hex(m[1]!);
      const hi = hex(m[2]!);
      if (m[3] !== undefined) {
        const base = fromUtf16(m[3]);
        const last = base.charCodeAt(base.length - 1);
        for (let c = lo; c <= hi; c++) map.set(c, base.slice(0, -1) + String.fromCharCode(last + c - lo));
      } else {
        const dsts = [...m[4]!.matchAll(/<([0-9A-Fa-f]*)>/g)].map((d) => fromUtf16(d[1]!));
        dsts.forEach((d, k) => lo + k <= hi && map.set(lo + k, d));
      }
    }
  }
  return map;
}

/** A ToUnicode CMap for `map` (2-byte codes, Identity-H), in bfchar blocks of at most 100. */
export function toUnicodeCmap(map: Map<number, string>): string {
  const codes = [...map.keys()].sort((a, b) => a - b);
  const blocks: string[] = [];
  for (let i = 0; i < codes.length; i += 100) {
    const chunk = codes.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfchar\n${chunk.map((c) => `<${c.toString(16).toUpperCase().padStart(4, '0')}> <${toUtf16(map.get(c)!)}>`).join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

/** Six capital letters from a hash of the font program: the subset tag (PDF 32000-1 §9.6.4). */
export function subsetTag(program: Uint8Array): string {
  const digest = createHash('sha256').update(program).digest();
  return [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
}

const deflateAsync = promisify(deflate);

/**
 * Compressed streams kept from earlier builds (the build cache): an edit seldom changes the
 * glyphs a face keeps, so the same programs and maps are compressed build after build. Keyed
 * by what it compresses (cache-keys.ts flateKey).
 */
export interface FlateCache {
  /** `data` compressed, when an earlier build compressed the same bytes. */
  get(data: Uint8Array): Uint8Array | null;
  put(data: Uint8Array, compressed: Uint8Array): void;
}

/**
 * A Flate-compressed stream of `data` (zlib, see streamBytes), compressed in libuv's thread
 * pool: the faces' programs (~0.1 s each) compress in parallel, off the main thread — or taken
 * from `cache` (in a warm build the thread pool is busy with the EPUB's zip too).
 */
async function flateStream(doc: PDFDocument, data: Uint8Array | string, dict: Record<string, number> = {}, cache?: FlateCache): Promise<PDFRawStream> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let compressed = cache?.get(bytes) ?? null;
  if (!compressed) {
    compressed = await deflateAsync(bytes);
    cache?.put(bytes, compressed);
  }
  return doc.context.stream(compressed, { ...dict, Filter: 'FlateDecode' });
}

/** Every Type0 font dict of the document with its CIDFont and descriptor. */
function fontCopies(doc: PDFDocument): FontCopy[] {
  const copies: FontCopy[] = [];
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(N('Type')) !== N('Font') || obj.get(N('Subtype')) !== N('Type0')) continue;
    const descendants = doc.context.lookup(obj.get(N('DescendantFonts')));
    const descendantRef = descendants instanceof PDFArray ? descendants.get(0) : undefined;
    if (!(descendantRef instanceof PDFRef)) continue;
    const descendant = doc.context.lookup(descendantRef);
    if (!(descendant instanceof PDFDict)) continue;
    const descriptorRef = descendant.get(N('FontDescriptor'));
    if (!(descriptorRef instanceof PDFRef)) continue;
    const descriptor = doc.context.lookup(descriptorRef);
    if (!(descriptor instanceof PDFDict)) continue;
    copies.push({ ref, dict: obj, descendantRef, descendant, descriptorRef, descriptor });
  }
  return copies.sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);
}

/** Replace, everywhere in `obj`, references found in `to` (dicts and arrays, stream dicts included). */
function redirect(obj: PDFObject, to: Map<PDFRef, PDFRef>, seen: Set<PDFObject>): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : null;
  if (dict) {
    for (const [key, value] of dict.entries()) {
      if (value instanceof PDFRef) {
        const target = to.get(value);
        if (target) dict.set(key, target);
      } else redirect(value, to, seen);
    }
  } else if (obj instanceof PDFArray) {
    obj.asArray().forEach((value, i) => {
      if (value instanceof PDFRef) {
        const target = to.get(value);
        if (target) obj.set(i, target);
      } else redirect(value, to, seen);
    });
  }
}

export interface SharedFontsReport {
  /** PostScript names of the faces, each now embedded once. */
  faces: string[];
  /** Font dicts removed (copies of a face another dict now stands for). */
  removed: number;
}

/**
 * One font dict per face whose program is one of `programs` (our subsets, matched by
 * PostScript name, then by outlines: a face loaded as several subset parts under one name — a
 * book with many glyphs — gives one dict per part). Faces with no program given are left as
 * they are. `cache`: compressed programs and maps of earlier builds.
 */
export async function shareFonts(doc: PDFDocument, programs: Uint8Array[], cache?: FlateCache): Promise<SharedFontsReport> {
  const byName = new Map<string, Uint8Array[]>();
  for (const program of programs) {
    const name = fontNames(program).postscript;
    if (name) byName.set(name, [...(byName.get(name) ?? []), program]);
  }
  // key: name, and the part's index when the face has several parts
  const groups = new Map<string, FontCopy[]>();
  const sources = new Map<string, { name: string; program: Uint8Array }>();
  const lookup = (o: PDFObject | undefined) => (o instanceof PDFRef ? doc.context.lookup(o) : o);
  // each copy's program inflated once (it is read again for the glyphs it uses)
  const programOf = new Map<FontCopy, Uint8Array | null>();
  const embeddedOf = (copy: FontCopy) => {
    if (!programOf.has(copy)) programOf.set(copy, streamBytes(lookup(copy.descriptor.get(N('FontFile2')))) ?? null);
    return programOf.get(copy)!;
  };
  for (const copy of fontCopies(doc)) {
    const name = stripTag(copy.dict.get(N('BaseFont'))?.toString() ?? '');
    const parts = byName.get(name);
    if (!parts) continue;
    // A tab PDF from the layout cache may have been laid out with another book's subset (other
    // glyph ids): it keeps its own font (correct, if not shared). Of a face's parts, the copy
    // is the one whose outlines it carries.
    const embedded = embeddedOf(copy);
    const part = embedded ? parts.findIndex((program) => outlinesMatch(embedded, program)) : -1;
    if (part < 0) continue;
    const key = parts.length > 1 ? `${name}\u0000${part}` : name;
    sources.set(key, { name, program: parts[part]! });
    groups.set(key, [...(groups.get(key) ?? []), copy]);
  }
  const to = new Map<PDFRef, PDFRef>();
  const dead: PDFRef[] = [];
  const faces: string[] = [];
  // Each face's new program and ToUnicode map, compressed in parallel and registered in face order (the same object numbers every build).
  const streams: Array<{ keep: FontCopy; program: Promise<PDFRawStream>; cmap: Promise<PDFRawStream> }> = [];
  for (const key of [...groups.keys()].sort()) {
    const copies = groups.get(key)!;
    const { name, program: source } = sources.get(key)!;
    // The outlines every copy used (Skia keeps glyph ids: a copy's non-empty glyphs are its used ones).
    const used = new Set<number>();
    for (const copy of copies) {
      const embedded = embeddedOf(copy);
      if (embedded) for (const g of glyphsWithOutlines(embedded)) used.add(g);
    }
    const program = keepGlyphs(source, used);
    const advance = advanceWidths(program);
    const [keep, ...others] = copies as [FontCopy, ...FontCopy[]];
    const widths = new Map<number, number>();
    const unicode = new Map<number, string>();
    for (const copy of copies) {
      // Each copy's W omits the glyphs of its own default width: every glyph a copy names
      // gets its width from the font program itself, under one default (1000).
      for (const cid of parseWidths(lookup(copy.descendant.get(N('W'))) as PDFArray | undefined, lookup).keys()) widths.set(cid, advance(cid));
      const cmap = streamBytes(lookup(copy.dict.get(N('ToUnicode'))));
      if (cmap) for (const [code, text] of parseToUnicode(new TextDecoder('latin1').decode(cmap))) if (!unicode.has(code)) unicode.set(code, text);
    }
    // The old programs and maps of every copy go; the kept dicts get the new ones.
    for (const copy of copies) {
      for (const value of [copy.descriptor.get(N('FontFile2')), copy.descriptor.get(N('CIDSet')), copy.dict.get(N('ToUnicode')), copy.descendant.get(N('W'))]) {
        if (value instanceof PDFRef) dead.push(value);
      }
    }
    for (const copy of others) {
      to.set(copy.ref, keep.ref);
      dead.push(copy.ref, copy.descendantRef, copy.descriptorRef);
    }
    const tagged = `${subsetTag(program)}+${name}`;
    keep.dict.set(N('BaseFont'), N(tagged));
    keep.descendant.set(N('BaseFont'), N(tagged));
    keep.descriptor.set(N('FontName'), N(tagged));
    keep.descriptor.delete(N('CIDSet'));
    for (const g of [...used, ...unicode.keys()]) widths.set(g, advance(g));
    for (const [g, w] of widths) if (w === 1000) widths.delete(g);
    keep.descendant.set(N('DW'), PDFNumber.of(1000));
    keep.descendant.set(N('W'), doc.context.obj(widthsArray(widths)));
    streams.push({ keep, program: flateStream(doc, program, { Length1: program.length }, cache), cmap: flateStream(doc, toUnicodeCmap(unicode), {}, cache) });
    faces.push(name);
  }
  const compressed = await Promise.all(streams.map((s) => Promise.all([s.program, s.cmap])));
  streams.forEach(({ keep }, i) => {
    const [program, cmap] = compressed[i]!;
    keep.descriptor.set(N('FontFile2'), doc.context.register(program));
    keep.dict.set(N('ToUnicode'), doc.context.register(cmap));
  });
  if (to.size) {
    const seen = new Set<PDFObject>();
    for (const [, obj] of doc.context.enumerateIndirectObjects()) redirect(obj, to, seen);
  }
  for (const ref of dead) doc.context.delete(ref);
  return { faces, removed: to.size };
}
