/**
 * What the preview reads from a built book.pdf, page by page, without drawing it:
 *
 *   pageGlyphs    which glyphs of which font a page shows (its content streams and the form
 *                 XObjects they draw — the folio and running-head stamps), in order
 *   pagesPdf      a small PDF of a few pages of the book, each font cut down to the glyphs those
 *                 pages show: the viewer's pdf.js parses kilobytes instead of the whole book's
 *                 shared fonts to draw the page the editor just changed (it cost ~1 s CPU a save)
 *
 * The pages are copied, not re-laid: the same content streams, resources and glyph ids (the
 * fonts keep every glyph id, CIDToGIDMap /Identity, and only lose the outlines of glyphs these
 * pages do not show — fonts/glyphs.ts keepGlyphs), so a page of pagesPdf draws exactly as that
 * page of book.pdf. Whatever cannot be read with certainty (an inline image, a font set through
 * a graphics state, an unknown font kind) keeps its font whole.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream, type PDFPage } from 'pdf-lib';
import { keepGlyphs } from '../render/fonts/glyphs.ts';
import { joinContent, streamBytes } from '../render/print/pdf/streams.ts';

/** A page's text as glyphs: `font:hex` per string shown (the font by its name without the subset tag), in drawing order. */
export interface PageGlyphs {
  /** Glyph ids used per font dictionary (Type0 fonts with two-byte codes only). */
  used: Map<PDFDict, Set<number>>;
  /** Fonts whose glyph use could not be read with certainty: kept whole. */
  whole: Set<PDFDict>;
  /** Every string shown, with its font's name: equal for two pages exactly when they show the same glyphs of the same faces. */
  text: string[];
  /** Something on the page could not be read (inline image, font in a graphics state): every font of the page is kept whole. */
  unsure: boolean;
}

export type Operand = { kind: 'name'; value: string } | { kind: 'string'; value: Uint8Array } | { kind: 'array'; value: Operand[] } | { kind: 'other' };

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const OTHER: Operand = { kind: 'other' };
/** Value of a hex digit byte; 255 for anything else. */
const HEX_DIGIT = new Uint8Array(256).fill(255);
for (let d = 0; d < 16; d++) {
  HEX_DIGIT['0123456789abcdef'.charCodeAt(d)] = d;
  HEX_DIGIT['0123456789ABCDEF'.charCodeAt(d)] = d;
}
/** Byte classes: 1 white space, 2 delimiter. */
const CLASS = new Uint8Array(256);
for (const b of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[b] = 1;
for (const c of '()<>[]{}/%') CLASS[c.charCodeAt(0)] = 2;

/**
 * The operators of a content stream with their operands — only as much of the syntax as
 * finding fonts, strings and XObjects needs. Calls `op` per operator; returns false when it met
 * something it does not read (an inline image).
 */
export function readOperators(bytes: Uint8Array, op: (name: string, operands: Operand[]) => void): boolean {
  let i = 0;
  const n = bytes.length;
  const stack: Operand[][] = [[]];
  const push = (o: Operand) => stack.at(-1)!.push(o);
  while (i < n) {
    const c = bytes[i]!;
    if (CLASS[c] === 1) {
      i++;
    } else if (c === 0x25 /* % */) {
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (c === 0x2f /* / */) {
      let j = i + 1;
      while (j < n && CLASS[bytes[j]!] === 0) j++;
      push({ kind: 'name', value: Buffer.from(bytes.subarray(i + 1, j)).toString('latin1') });
      i = j;
    } else if (c === 0x28 /* ( */) {
      const out: number[] = [];
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const b = bytes[i]!;
        if (b === 0x5c /* \ */) {
          const e = bytes[i + 1]!;
          const map: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c };
          if (e >= 0x30 && e <= 0x37) {
            let v = 0;
            let k = 0;
            while (k < 3 && bytes[i + 1 + k]! >= 0x30 && bytes[i + 1 + k]! <= 0x37) v = v * 8 + bytes[i + 1 + k++]! - 0x30;
            out.push(v & 0xff);
            i += 1 + k;
          } else if (e === 0x0d || e === 0x0a) {
            i += e === 0x0d && bytes[i + 2] === 0x0a ? 3 : 2; // line continuation
          } else {
            out.push(map[e] ?? e);
            i += 2;
          }
          continue;
        }
        if (b === 0x28) depth++;
        if (b === 0x29 && --depth === 0) break;
        out.push(b);
        i++;
      }
      i++;
      push({ kind: 'string', value: Uint8Array.from(out) });
    } else if (c === 0x3c /* < */ && bytes[i + 1] === 0x3c) {
      stack.push([]); // a dictionary operand (marked content properties): read and dropped
      i += 2;
    } else if (c === 0x3e /* > */ && bytes[i + 1] === 0x3e) {
      stack.pop();
      push({ kind: 'other' });
      i += 2;
    } else if (c === 0x3c) {
      // A hex string, decoded here (the pages show ~1000 of them each): white space skipped, an odd last digit is followed by 0.
      let j = i + 1;
      while (j < n && bytes[j] !== 0x3e) j++;
      const value = new Uint8Array((j - i) >> 1);
      let count = 0;
      let high = -1;
      for (let k = i + 1; k < j; k++) {
        const d = HEX_DIGIT[bytes[k]!]!;
        if (d === 255) continue;
        if (high < 0) high = d;
        else {
          value[count++] = (high << 4) | d;
          high = -1;
        }
      }
      if (high >= 0) value[count++] = high << 4;
      push({ kind: 'string', value: value.subarray(0, count) });
      i = j + 1;
    } else if (c === 0x5b /* [ */) {
      stack.push([]);
      i++;
    } else if (c === 0x5d /* ] */) {
      const items = stack.length > 1 ? stack.pop()! : [];
      push({ kind: 'array', value: items });
      i++;
    } else {
      let j = i;
      while (j < n && CLASS[bytes[j]!] === 0) j++;
      if (j === i) j++; // a stray delimiter (`)`, `{`): skipped
      const start = i;
      i = j;
      // numbers (and true/false/null) are operands; anything else is an operator
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
        push(OTHER);
        continue;
      }
      const len = j - start;
      const word = len === 1 ? String.fromCharCode(c) : len === 2 ? String.fromCharCode(c, bytes[start + 1]!) : String.fromCharCode(...bytes.subarray(start, j));
      if (word === 'true' || word === 'false' || word === 'null') push(OTHER);
      else {
        if (word === 'BI') return false; // inline image data is binary: not read
        op(word, stack[0]!);
        stack.length = 1;
        stack[0] = [];
      }
    }
  }
  return true;
}

/** A font dictionary's glyph ids are its two-byte codes: a Type0 font, Identity-H, over a CIDFontType2 with CIDToGIDMap /Identity. */
function identityCidFont(font: PDFDict): PDFDict | null {
  const name = (key: string, dict: PDFDict) => (dict.lookup(PDFName.of(key)) as PDFName | undefined)?.asString?.();
  if (name('Subtype', font) !== '/Type0' || name('Encoding', font) !== '/Identity-H') return null;
  const descendants = font.lookup(PDFName.of('DescendantFonts'));
  const cid = descendants instanceof PDFArray ? descendants.lookup(0) : null;
  if (!(cid instanceof PDFDict) || name('Subtype', cid) !== '/CIDFontType2' || name('CIDToGIDMap', cid) !== '/Identity') return null;
  return cid;
}

/** A font's name without the subset tag (`BVRTXY+NotoSerifSC-Regular` → `NotoSerifSC-Regular`). */
function faceName(font: PDFDict): string {
  const base = font.lookup(PDFName.of('BaseFont'));
  return base instanceof PDFName ? base.asString().slice(1).replace(/^[A-Z]{6}\+/, '') : '?';
}

/** The glyphs a page shows, per font, and its text as glyphs (see PageGlyphs). */
export function pageGlyphs(page: PDFPage): PageGlyphs {
  const result: PageGlyphs = { used: new Map(), whole: new Set(), text: [], unsure: false };
  const context = page.doc.context;
  const seenForms = new Set<unknown>();
  const fontInfo = new Map<PDFDict, { face: string; identity: boolean }>();
  const allFonts = (resources: PDFDict | undefined) => {
    const fonts = resources?.lookup(PDFName.of('Font'));
    if (fonts instanceof PDFDict) for (const key of fonts.keys()) {
      const f = fonts.lookup(key);
      if (f instanceof PDFDict) result.whole.add(f);
    }
  };
  const walk = (streams: unknown[], resources: PDFDict | undefined) => {
    const fonts = resources?.lookup(PDFName.of('Font'));
    const xobjects = resources?.lookup(PDFName.of('XObject'));
    const states = resources?.lookup(PDFName.of('ExtGState'));
    // A font set by a graphics state (`gs` with /Font) is not followed: every font kept whole.
    if (states instanceof PDFDict) for (const key of states.keys()) {
      const s = states.lookup(key);
      if (s instanceof PDFDict && s.has(PDFName.of('Font'))) result.unsure = true;
    }
    let font: PDFDict | null = null;
    let face = '';
    let glyphs: Set<number> | null = null; // the font's used glyphs; null: not an Identity CID font
    const setFont = (f: PDFDict | null) => {
      font = f;
      if (!f) return;
      let info = fontInfo.get(f);
      if (!info) fontInfo.set(f, (info = { face: faceName(f), identity: identityCidFont(f) !== null }));
      face = info.face;
      glyphs = null;
      if (info.identity) {
        glyphs = result.used.get(f) ?? null;
        if (!glyphs) result.used.set(f, (glyphs = new Set()));
      } else result.whole.add(f);
    };
    const show = (s: Operand) => {
      if (s.kind !== 'string') return;
      if (!font) {
        result.unsure = true;
        return;
      }
      const v = s.value;
      let hex = face + ':';
      for (let k = 0; k < v.length; k++) hex += HEX[v[k]!];
      result.text.push(hex);
      if (glyphs) for (let k = 0; k + 1 < v.length; k += 2) glyphs.add((v[k]! << 8) | v[k + 1]!);
    };
    // The page's streams are one content stream split in parts: operators may run across them.
    const parts = streams.map(streamBytes);
    if (parts.some((p) => p === null)) {
      result.unsure = true;
      return;
    }
    const joined = joinContent(parts as Uint8Array[]);
    const ok = readOperators(joined, (name, operands) => {
      if (name === 'Tf') {
        const key = operands[0];
        const f = key?.kind === 'name' && fonts instanceof PDFDict ? fonts.lookup(PDFName.of(key.value)) : undefined;
        setFont(f instanceof PDFDict ? f : null);
      } else if (name === 'Tj' || name === "'") {
        show(operands.at(-1) ?? { kind: 'other' });
      } else if (name === '"') {
        show(operands[2] ?? { kind: 'other' });
      } else if (name === 'TJ') {
        const arr = operands[0];
        if (arr?.kind === 'array') for (const item of arr.value) show(item);
      } else if (name === 'Do') {
        const key = operands[0];
        const ref = key?.kind === 'name' && xobjects instanceof PDFDict ? xobjects.get(PDFName.of(key.value)) : undefined;
        const x = ref instanceof PDFRef ? context.lookup(ref) : ref;
        if (!(x instanceof PDFStream)) return;
        const subtype = x.dict.lookup(PDFName.of('Subtype'));
        if (!(subtype instanceof PDFName) || subtype.asString() !== '/Form') return;
        // A form drawn twice shows the same glyphs; its text still counts each time.
        const own = x.dict.lookup(PDFName.of('Resources'));
        const formResources = own instanceof PDFDict ? own : resources;
        if (seenForms.has(x)) {
          result.text.push(`form:${String(ref)}`);
          return;
        }
        seenForms.add(x);
        walk([x], formResources);
      }
    });
    if (!ok) result.unsure = true;
    if (result.unsure) allFonts(resources);
  };
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => context.lookup(r)) : contents ? [contents] : [];
  walk(streams, page.node.Resources());
  if (result.unsure) allFonts(page.node.Resources());
  return result;
}

/** A hash of a page's text as glyphs (pageGlyphs().text): two pages with the same hash show the same characters in the same faces. */
export function pageTextKey(page: PDFPage): string {
  const hash = createHash('sha1');
  for (const s of pageGlyphs(page).text) hash.update(s).update('\n');
  return hash.digest('hex');
}

/**
 * A PDF of the pages `indices` (0-based) of `source`, in that order, whose fonts keep only the
 * outlines of the glyphs those pages show. Links are left out (the viewer draws no annotations;
 * a link's destination would drag its target page, and through it the book, into the copy).
 * `source` is not changed.
 */
export async function pagesPdf(source: PDFDocument, indices: number[]): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const pages = source.getPages();
  const annots = PDFName.of('Annots');
  const removed = indices.map((i) => {
    const node = pages[i]!.node;
    const a = node.get(annots);
    if (a) node.delete(annots);
    return a;
  });
  try {
    for (const page of await out.copyPages(source, indices)) out.addPage(page);
  } finally {
    indices.forEach((i, k) => removed[k] && pages[i]!.node.set(annots, removed[k]!));
  }
  // Glyphs per font over all copied pages; a font any page could not be read for stays whole.
  const used = new Map<PDFDict, Set<number>>();
  const whole = new Set<PDFDict>();
  for (const page of out.getPages()) {
    const g = pageGlyphs(page);
    for (const f of g.whole) whole.add(f);
    for (const [f, set] of g.used) {
      const all = used.get(f) ?? new Set<number>();
      for (const id of set) all.add(id);
      used.set(f, all);
    }
  }
  for (const [font, glyphs] of used) {
    if (whole.has(font)) continue;
    const cid = identityCidFont(font)!;
    const descriptor = cid.lookup(PDFName.of('FontDescriptor'));
    const fileRef = descriptor instanceof PDFDict ? descriptor.get(PDFName.of('FontFile2')) : undefined;
    if (!(fileRef instanceof PDFRef)) continue;
    const bytes = streamBytes(out.context.lookup(fileRef));
    if (!bytes) continue;
    let cut: Uint8Array;
    try {
      cut = keepGlyphs(bytes, glyphs);
    } catch {
      continue; // not a glyf font (CFF in a TrueType wrapper…): kept whole
    }
    out.context.assign(fileRef, out.context.stream(deflateSync(cut, { level: 1 }), { Filter: 'FlateDecode', Length1: cut.length }));
  }
  return out.save({ addDefaultPage: false, objectsPerTick: Infinity });
}
