/**
 * `--print-ready`: what a printer's preflight asks of a one-colour book, done on the merged
 * PDF with pdf-lib (no Ghostscript: Chromium's PDF has only flat colours — `r g b rg` / `RG` —
 * and no ICC colour spaces, so rewriting those operators is exact and keeps every other byte).
 *
 * - Colour: every RGB colour operator becomes DeviceGray (`0 0 0 rg` → `0 g`): black text and
 *   rules print as pure K, never as four-colour black; transparency groups blend in
 *   DeviceGray; 8-bit Flate RGB images are converted to gray. What cannot be converted here
 *   (a JPEG in RGB, an ICC or pattern colour space) is counted and `juan check
 *   --print-ready` (pipeline/check/preflight.ts) reports it as an error.
 * - An even page count: blank pages are added at the end (the caller says how many).
 * - PDF/X-4 OutputIntent with a grayscale ICC profile (Gray.icc of Debian's icc-profiles-free,
 *   Zlib licence), `GTS_PDFXVersion` in the Info dictionary and XMP metadata, /Trapped /False.
 *   This is the standard the file claims; it has not been through a certified validator.
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import {
  decodePDFRawStream,
  grayscale,
  PDFArray,
  PDFDict,
  PDFName,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';
import { JuanError } from '../../../report/errors.ts';
import { blankPagesForEven } from './page-count.ts';

/** The output profile: Debian package icc-profiles-free (scripts/setup.sh installs it). */
export const GRAY_PROFILE = '/usr/share/color/icc/Gray.icc';
export const PDFX_VERSION = 'PDF/X-4';

const N = (name: string) => PDFName.of(name);

/** Gray level of an RGB colour (ITU-R BT.601 luma), as a PDF number. */
const luma = (r: number, g: number, b: number) => num(0.299 * r + 0.587 * g + 0.114 * b);
const num = (v: number) => String(Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000);

export interface GrayResult {
  content: string;
  /** RGB/CMYK colour operators rewritten to gray. */
  converted: number;
  /** Colour operators left in a colour space this rewrite does not handle (cs/CS/sc/scn…). */
  unconverted: number;
}

/**
 * A content stream with its colours in DeviceGray. Tokenised, so strings (hex or literal) and
 * comments are copied untouched; operands are replaced only before rg/RG/k/K.
 */
export function grayContent(src: string): GrayResult {
  let out = '';
  let copied = 0;
  let converted = 0;
  let unconverted = 0;
  let operands: Array<{ start: number; value: number | null }> = [];
  let i = 0;
  const n = src.length;
  const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\f' || c === '\0';
  const isDelim = (c: string) => '()<>[]{}/%'.includes(c);
  while (i < n) {
    const c = src[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '%') {
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++;
      continue;
    }
    if (c === '(') {
      let depth = 0;
      for (; i < n; i++) {
        if (src[i] === '\\') i++;
        else if (src[i] === '(') depth++;
        else if (src[i] === ')' && --depth === 0) break;
      }
      i++;
      operands.push({ start: -1, value: null });
      continue;
    }
    if (c === '<' && src[i + 1] !== '<') {
      i = src.indexOf('>', i) + 1 || n;
      operands.push({ start: -1, value: null });
      continue;
    }
    if (c === '<' || c === '>' || c === '[' || c === ']' || c === '{' || c === '}') {
      i += c === '<' || c === '>' ? 2 : 1;
      continue;
    }
    const start = i;
    if (c === '/') i++;
    while (i < n && !isSpace(src[i]!) && !isDelim(src[i]!)) i++;
    const token = src.slice(start, i);
    if (c === '/' || /^[-+]?(\d+\.?\d*|\.\d+)$/.test(token)) {
      operands.push({ start, value: c === '/' ? null : Number(token) });
      continue;
    }
    // An operator.
    const nums = operands.map((o) => o.value);
    const last = (k: number) => (nums.length >= k && nums.slice(-k).every((v) => v !== null) ? (nums.slice(-k) as number[]) : null);
    let replacement: string | null = null;
    if (token === 'rg' || token === 'RG') {
      const v = last(3);
      if (v) replacement = `${luma(v[0]!, v[1]!, v[2]!)} ${token === 'rg' ? 'g' : 'G'}`;
      else unconverted++;
    } else if (token === 'k' || token === 'K') {
      const v = last(4);
      if (v) replacement = `${num(1 - Math.min(1, 0.3 * v[0]! + 0.59 * v[1]! + 0.11 * v[2]! + v[3]!))} ${token === 'k' ? 'g' : 'G'}`;
      else unconverted++;
    } else if (token === 'cs' || token === 'CS' || token === 'sc' || token === 'SC' || token === 'scn' || token === 'SCN') {
      unconverted++;
    } else if (token === 'BI') {
      // Inline images: not made by Chromium; counted, and the rest of the stream copied as is.
      unconverted++;
      break;
    }
    if (replacement !== null) {
      const from = operands[operands.length - (token.toLowerCase() === 'rg' ? 3 : 4)]!.start;
      out += src.slice(copied, from) + replacement;
      copied = i;
      converted++;
    }
    operands = [];
  }
  out += src.slice(copied);
  return { content: out, converted, unconverted };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export interface PressReport {
  blankPagesAdded: number;
  colourOperatorsConverted: number;
  colourOperatorsLeft: number;
  imagesConverted: number;
  imagesLeft: number;
  standard: string;
}

/** Streams whose content is drawn: page contents, form XObjects, tiling patterns. */
function contentStreams(doc: PDFDocument): PDFRef[] {
  const refs = new Set<PDFRef>();
  for (const page of doc.getPages()) {
    const contents = page.node.get(N('Contents'));
    const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
    for (const c of list) if (c instanceof PDFRef) refs.add(c);
  }
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFStream && (obj.dict.get(N('Subtype')) === N('Form') || obj.dict.get(N('PatternType')))) refs.add(ref);
  }
  return [...refs].sort((a, b) => a.objectNumber - b.objectNumber);
}

/** Every colour of the document in DeviceGray (see the file comment). */
export function convertToGray(doc: PDFDocument): Omit<PressReport, 'blankPagesAdded' | 'standard'> {
  let colourOperatorsConverted = 0;
  let colourOperatorsLeft = 0;
  let imagesConverted = 0;
  let imagesLeft = 0;
  for (const ref of contentStreams(doc)) {
    const stream = doc.context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) continue;
    const result = grayContent(latin1(decodePDFRawStream(stream).decode()));
    colourOperatorsConverted += result.converted;
    colourOperatorsLeft += result.unconverted;
    if (!result.converted) continue;
    const dict = stream.dict.clone(doc.context);
    for (const key of ['Filter', 'DecodeParms', 'Length']) dict.delete(N(key));
    const fresh = doc.context.flateStream(Buffer.from(result.content, 'latin1'));
    for (const [key, value] of dict.entries()) fresh.dict.set(key, value);
    doc.context.assign(ref, fresh);
  }
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) {
    // Transparency groups blend in gray (pages, forms, soft masks).
    const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : null;
    const group = dict?.get(N('Group'));
    const groupDict = group instanceof PDFRef ? doc.context.lookup(group) : group;
    if (groupDict instanceof PDFDict && groupDict.get(N('CS')) === N('DeviceRGB')) groupDict.set(N('CS'), N('DeviceGray'));
    if (obj instanceof PDFRawStream && obj.dict.get(N('Subtype')) === N('Image')) {
      const cs = obj.dict.get(N('ColorSpace'));
      if (cs === N('DeviceGray') || obj.dict.get(N('ImageMask'))) continue;
      const gray = cs === N('DeviceRGB') && grayImage(obj);
      if (gray) {
        doc.context.assign(ref, gray);
        imagesConverted++;
      } else imagesLeft++;
    }
  }
  return { colourOperatorsConverted, colourOperatorsLeft, imagesConverted, imagesLeft };
}

/** An 8-bit Flate RGB image (no predictor) as a gray one; null for anything else. */
function grayImage(image: PDFRawStream): PDFRawStream | null {
  const filter = image.dict.get(N('Filter'));
  if (filter !== N('FlateDecode') || image.dict.get(N('DecodeParms')) || image.dict.get(N('BitsPerComponent'))?.toString() !== '8') return null;
  const rgb = inflateSync(image.contents);
  const px = rgb.length / 3;
  const gray = new Uint8Array(px);
  for (let p = 0; p < px; p++) gray[p] = Math.round(0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!);
  const dict = image.dict.clone(image.dict.context);
  dict.set(N('ColorSpace'), N('DeviceGray'));
  dict.delete(N('Length'));
  dict.delete(N('Filter'));
  const fresh = image.dict.context.flateStream(gray);
  for (const [key, value] of dict.entries()) fresh.dict.set(key, value);
  return fresh;
}

/**
 * Blank pages at the end until the count is even; returns how many were added. A page added
 * gets crop marks like Paged.js's (0.25 pt, in the slug, stopping 0.5 mm outside the bleed),
 * `inset` = slug + bleed in pt, `bleed` in pt.
 */
export function padToEven(doc: PDFDocument, marks?: { inset: number; bleed: number }): number {
  if (!blankPagesForEven(doc.getPageCount())) return 0;
  const last = doc.getPage(doc.getPageCount() - 1);
  const { width, height } = last.getMediaBox();
  const page = doc.addPage([width, height]);
  if (marks) {
    const gap = marks.bleed + (0.5 * 72) / 25.4;
    const black = grayscale(0);
    const line = (x1: number, y1: number, x2: number, y2: number) => page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.25, color: black });
    const [l, r, b, t] = [marks.inset, width - marks.inset, marks.inset, height - marks.inset];
    for (const x of [l, r]) for (const y of [b, t]) {
      const out = y === b ? -1 : 1;
      const side = x === l ? -1 : 1;
      line(x, y + out * gap, x, out > 0 ? height : 0); // vertical mark beyond the top/bottom bleed
      line(x + side * gap, y, side > 0 ? width : 0, y); // horizontal mark beyond the side bleed
    }
  }
  return 1;
}

function xmp(doc: PDFDocument, title: string, date: Date): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const producer = doc.getProducer() ?? '';
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${esc(title)}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>${iso}</xmp:CreateDate>
   <xmp:ModifyDate>${iso}</xmp:ModifyDate>
   <xmp:MetadataDate>${iso}</xmp:MetadataDate>
   <xmp:CreatorTool>juan</xmp:CreatorTool>
   <pdf:Producer>${esc(producer)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <pdfxid:GTS_PDFXVersion>${PDFX_VERSION}</pdfxid:GTS_PDFXVersion>
   <pdfx:GTS_PDFXVersion>${PDFX_VERSION}</pdfx:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

/** The OutputIntent, Info keys and XMP metadata of PDF/X-4 with the gray profile. */
export function claimPdfx(doc: PDFDocument, profile: Uint8Array, date: Date): void {
  const icc = doc.context.register(doc.context.flateStream(profile, { N: 1 }));
  const intent = doc.context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of('Custom'),
    OutputCondition: PDFString.of('Grayscale (one-colour black)'),
    Info: PDFString.of('Gray.icc (icc-profiles-free): grayscale, one-colour black'),
    RegistryName: PDFString.of(''),
    DestOutputProfile: icc,
  });
  doc.catalog.set(N('OutputIntents'), doc.context.obj([intent]));
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (info instanceof PDFDict) {
    info.set(N('GTS_PDFXVersion'), PDFString.of(PDFX_VERSION));
    info.set(N('Trapped'), N('False'));
  }
  const metadata = doc.context.stream(Buffer.from(xmp(doc, doc.getTitle() ?? '', date), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(N('Metadata'), doc.context.register(metadata));
}

/** The gray output profile's bytes, or a clear error naming the package to install. */
export function grayProfile(): Uint8Array {
  try {
    return new Uint8Array(readFileSync(GRAY_PROFILE));
  } catch (cause) {
    throw new JuanError('render', `印厂版需要灰度 ICC 配置文件 ${GRAY_PROFILE}，但读取失败`, {
      source: 'print:press',
      hint: '安装 Debian 软件包 icc-profiles-free（npm run setup 会安装）',
      cause,
    });
  }
}

export function pressReady(doc: PDFDocument, date: Date, marks?: { inset: number; bleed: number }): PressReport {
  const blankPagesAdded = padToEven(doc, marks);
  const colour = convertToGray(doc);
  claimPdfx(doc, grayProfile(), date);
  return { blankPagesAdded, ...colour, standard: PDFX_VERSION };
}

