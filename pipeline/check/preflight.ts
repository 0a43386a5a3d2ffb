/**
 * `juan check --print-ready`: a printer's preflight of book.pdf, read from the PDF alone —
 * page boxes, page count, fonts, colour operators and spaces in every content stream, images,
 * and the standard the file claims (OutputIntent, GTS_PDFXVersion). Core code: returns a
 * report, prints nothing; the CLI formats it (formatPreflight).
 */
import { readFileSync } from 'node:fs';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  PDFHexString,
  PDFDocument,
  ParseSpeeds,
  type PDFObject,
} from 'pdf-lib';
import { JuanError } from '../report/errors.ts';

type Box = [number, number, number, number];

export interface PreflightReport {
  pages: number;
  /** Distinct page boxes (pt, rounded to 0.01), with how many pages have them. */
  boxes: Array<{ media: Box; bleed: Box | null; trim: Box | null; pages: number }>;
  fonts: Array<{ name: string; subtype: string; embedded: boolean; copies: number }>;
  /** Colour operators found in content streams, by operator (rg, RG, k, K, g, G, cs, CS, sc, scn…). */
  colourOperators: Record<string, number>;
  /** Colour spaces named by transparency groups and images. */
  colourSpaces: Record<string, number>;
  /** Images with their pixel size and the lowest resolution (ppi) at which a page draws them (null: not drawn). */
  images: Array<{ width: number; height: number; colourSpace: string; bitsPerComponent: number; ppi: number | null }>;
  standard: { pdfx: string | null; outputIntent: string | null; profileComponents: number | null };
  problems: string[];
}

const N = (name: string) => PDFName.of(name);
const round = (v: number) => Math.round(v * 100) / 100;

function box(doc: PDFDocument, value: unknown): Box | null {
  const arr = value instanceof PDFRef ? doc.context.lookup(value) : value;
  if (!(arr instanceof PDFArray)) return null;
  const nums = arr.asArray().map((o) => (o instanceof PDFNumber ? o.asNumber() : NaN));
  return nums.length === 4 && nums.every(Number.isFinite) ? (nums.map(round) as Box) : null;
}

/** Whether box `inner` lies inside `outer` and is strictly smaller on every side. */
function strictlyInside(inner: Box, outer: Box): boolean {
  return inner[0] > outer[0] && inner[1] > outer[1] && inner[2] < outer[2] && inner[3] < outer[3];
}

const text = (o: unknown) => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : o instanceof PDFName ? o.decodeText() : null);

const COLOUR_OPS = new Set(['rg', 'RG', 'k', 'K', 'g', 'G', 'cs', 'CS', 'sc', 'SC', 'scn', 'SCN']);

/** Colour operators of a content stream (strings and comments skipped). */
export function colourOperators(content: string, counts: Record<string, number>): void {
  const stripped = content
    .replace(/\((?:\\.|[^\\()])*\)/g, ' ')
    .replace(/<[0-9A-Fa-f\s]*>/g, ' ')
    .replace(/%[^\r\n]*/g, ' ');
  for (const token of stripped.split(/[\s[\]]+/)) if (COLOUR_OPS.has(token)) counts[token] = (counts[token] ?? 0) + 1;
}

/** Lowest image resolution a printer accepts (typography.md: 300 dpi, 200 the floor). */
export const MIN_PPI = 200;

type Matrix = [number, number, number, number, number, number];
/** m × n (PDF matrices, row vectors: apply m first, then n). */
function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** Every `/Name Do` of a content stream with the CTM in force there (q/Q/cm followed). */
export function imageUses(content: string, start: Matrix): Array<{ name: string; ctm: Matrix }> {
  const tokens = content
    .replace(/\((?:\\.|[^\\()])*\)/g, ' ')
    .replace(/<[0-9A-Fa-f\s]*>/g, ' ')
    .replace(/%[^\r\n]*/g, ' ')
    .split(/[\s[\]]+/)
    .filter(Boolean);
  const stack: Matrix[] = [];
  let ctm = start;
  let operands: string[] = [];
  const uses: Array<{ name: string; ctm: Matrix }> = [];
  for (const token of tokens) {
    if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(token) || token.startsWith('/')) {
      operands.push(token);
      continue;
    }
    if (token === 'q') stack.push(ctm);
    else if (token === 'Q') ctm = stack.pop() ?? start;
    else if (token === 'cm' && operands.length >= 6) ctm = multiply(operands.slice(-6).map(Number) as Matrix, ctm);
    else if (token === 'Do' && operands.length) uses.push({ name: operands[operands.length - 1]!.slice(1), ctm });
    operands = [];
  }
  return uses;
}

export async function preflight(pdfPath: string): Promise<PreflightReport> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(readFileSync(pdfPath), { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  } catch (cause) {
    throw new JuanError('check', `无法读取 ${pdfPath}：${(cause as Error).message}`, { source: 'check:preflight', hint: '先运行 juan build --print-ready', cause });
  }
  const problems: string[] = [];
  const pages = doc.getPages();
  const boxes = new Map<string, PreflightReport['boxes'][number]>();
  for (const page of pages) {
    const media = box(doc, page.node.get(N('MediaBox')))!;
    const bleed = box(doc, page.node.get(N('BleedBox')));
    const trim = box(doc, page.node.get(N('TrimBox')));
    const key = JSON.stringify([media, bleed, trim]);
    const entry = boxes.get(key) ?? { media, bleed, trim, pages: 0 };
    entry.pages++;
    boxes.set(key, entry);
  }
  for (const b of boxes.values()) {
    if (!b.trim) problems.push(`${b.pages} 页没有 TrimBox`);
    else if (!b.bleed) problems.push(`${b.pages} 页没有 BleedBox`);
    else if (!strictlyInside(b.trim, b.bleed) || !strictlyInside(b.bleed, b.media)) problems.push(`页面框不符合 MediaBox > BleedBox > TrimBox：${JSON.stringify(b)}`);
  }
  if (pages.length % 2) problems.push(`页数 ${pages.length} 为奇数`);

  const fonts = new Map<string, PreflightReport['fonts'][number]>();
  const colourOps: Record<string, number> = {};
  const colourSpaces: Record<string, number> = {};
  const images: PreflightReport['images'] = [];
  const imageIndex = new Map<PDFObject, PreflightReport['images'][number]>();
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : null;
    if (!dict) continue;
    if (dict.get(N('Type')) === N('Font') && dict.get(N('Subtype')) !== N('CIDFontType2') && dict.get(N('Subtype')) !== N('CIDFontType0')) {
      const name = (text(dict.get(N('BaseFont'))) ?? '?').replace(/^[A-Z]{6}\+/, '');
      const subtype = text(dict.get(N('Subtype'))) ?? '?';
      const descendants = doc.context.lookup(dict.get(N('DescendantFonts')));
      const fontDict = descendants instanceof PDFArray ? (doc.context.lookup(descendants.get(0)) as PDFDict) : dict;
      const descriptor = doc.context.lookup(fontDict?.get(N('FontDescriptor')));
      const embedded = descriptor instanceof PDFDict && ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor.has(N(k)));
      const entry = fonts.get(name) ?? { name, subtype, embedded, copies: 0 };
      entry.copies++;
      entry.embedded &&= embedded;
      fonts.set(name, entry);
    }
    const group = doc.context.lookup(dict.get(N('Group')));
    if (group instanceof PDFDict) {
      const cs = text(group.get(N('CS')));
      if (cs) colourSpaces[cs] = (colourSpaces[cs] ?? 0) + 1;
    }
    if (obj instanceof PDFRawStream && dict.get(N('Subtype')) === N('Image')) {
      const csObj = doc.context.lookup(dict.get(N('ColorSpace')));
      const cs = text(csObj) ?? (csObj instanceof PDFArray ? text(csObj.get(0)) ?? '?' : dict.get(N('ImageMask')) ? 'ImageMask' : '?');
      colourSpaces[cs] = (colourSpaces[cs] ?? 0) + 1;
      const num = (k: string) => (doc.context.lookup(dict.get(N(k))) as PDFNumber | undefined)?.asNumber() ?? 0;
      images.push({ width: num('Width'), height: num('Height'), colourSpace: cs, bitsPerComponent: num('BitsPerComponent'), ppi: null });
      imageIndex.set(obj, images[images.length - 1]!);
    }
    if (obj instanceof PDFRawStream && (dict.get(N('Subtype')) === N('Form') || dict.get(N('PatternType')))) {
      colourOperators(Buffer.from(decodePDFRawStream(obj).decode()).toString('latin1'), colourOps);
    }
  }
  for (const page of pages) {
    const contents = page.node.get(N('Contents'));
    const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
    for (const ref of list) {
      const stream = doc.context.lookup(ref);
      if (stream instanceof PDFRawStream) colourOperators(Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1'), colourOps);
    }
  }
  // Resolution: where each page draws each image (the CTM at its Do), forms followed.
  const draw = (content: string, resources: PDFDict | undefined, ctm: Matrix, depth: number) => {
    for (const use of imageUses(content, ctm)) {
      const xobjects = doc.context.lookup(resources?.get(N('XObject')));
      const target = xobjects instanceof PDFDict ? doc.context.lookup(xobjects.get(N(use.name))) : undefined;
      if (!(target instanceof PDFRawStream)) continue;
      const image = imageIndex.get(target);
      if (image) {
        const widthPt = Math.hypot(use.ctm[0], use.ctm[1]);
        const heightPt = Math.hypot(use.ctm[2], use.ctm[3]);
        const ppi = Math.round(Math.min((image.width * 72) / widthPt, (image.height * 72) / heightPt));
        if (Number.isFinite(ppi) && (image.ppi === null || ppi < image.ppi)) image.ppi = ppi;
      } else if (target.dict.get(N('Subtype')) === N('Form') && depth < 8) {
        const matrix = doc.context.lookup(target.dict.get(N('Matrix')));
        const m = matrix instanceof PDFArray && matrix.size() === 6 ? (matrix.asArray().map((o) => (o instanceof PDFNumber ? o.asNumber() : 0)) as Matrix) : null;
        const formResources = doc.context.lookup(target.dict.get(N('Resources')));
        draw(Buffer.from(decodePDFRawStream(target).decode()).toString('latin1'), formResources instanceof PDFDict ? formResources : resources, m ? multiply(m, use.ctm) : use.ctm, depth + 1);
      }
    }
  };
  if (images.length) {
    for (const page of pages) {
      const contents = page.node.get(N('Contents'));
      const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
      const content = list.map((ref) => doc.context.lookup(ref)).filter((s): s is PDFRawStream => s instanceof PDFRawStream).map((s) => Buffer.from(decodePDFRawStream(s).decode()).toString('latin1')).join('\n');
      draw(content, page.node.Resources(), [1, 0, 0, 1, 0, 0], 0);
    }
  }
  for (const img of images) if (img.ppi !== null && img.ppi < MIN_PPI) problems.push(`图片 ${img.width}×${img.height} 印出来只有 ${img.ppi} ppi，至少需要 ${MIN_PPI}（最好 300）`);
  for (const f of fonts.values()) {
    if (!f.embedded) problems.push(`字体 ${f.name} 未嵌入`);
    if (f.copies > 1) problems.push(`字体 ${f.name} 嵌入了 ${f.copies} 次`);
  }
  const rgb = (colourOps.rg ?? 0) + (colourOps.RG ?? 0);
  if (rgb) problems.push(`内容流中有 ${rgb} 个 RGB 颜色操作（rg/RG），黑色会被印成四色黑`);
  const other = (colourOps.cs ?? 0) + (colourOps.CS ?? 0) + (colourOps.sc ?? 0) + (colourOps.SC ?? 0) + (colourOps.scn ?? 0) + (colourOps.SCN ?? 0);
  if (other) problems.push(`内容流中有 ${other} 个其他色彩空间的颜色操作（cs/sc/scn），需人工检查`);
  if (colourSpaces.DeviceRGB) problems.push(`有 ${colourSpaces.DeviceRGB} 处 DeviceRGB 色彩空间（透明组或图片）`);
  for (const img of images) if (img.colourSpace !== 'DeviceGray' && img.colourSpace !== 'ImageMask') problems.push(`图片 ${img.width}×${img.height} 为 ${img.colourSpace}，单色书应为灰度`);

  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  const pdfx = info instanceof PDFDict ? text(info.get(N('GTS_PDFXVersion'))) : null;
  const intents = doc.context.lookup(doc.catalog.get(N('OutputIntents')));
  const intent = intents instanceof PDFArray ? doc.context.lookup(intents.get(0)) : null;
  let outputIntent: string | null = null;
  let profileComponents: number | null = null;
  if (intent instanceof PDFDict) {
    outputIntent = `${text(intent.get(N('S'))) ?? '?'} ${text(intent.get(N('OutputConditionIdentifier'))) ?? ''}`.trim();
    const profile = doc.context.lookup(intent.get(N('DestOutputProfile')));
    if (profile instanceof PDFStream) profileComponents = (doc.context.lookup(profile.dict.get(N('N'))) as PDFNumber | undefined)?.asNumber() ?? null;
  }
  if (!pdfx) problems.push('没有声明 PDF/X 版本（GTS_PDFXVersion）');
  if (!outputIntent) problems.push('没有 OutputIntent');
  else if (!profileComponents) problems.push('OutputIntent 没有输出 ICC 配置文件');

  return {
    pages: pages.length,
    boxes: [...boxes.values()],
    fonts: [...fonts.values()].sort((a, b) => a.name.localeCompare(b.name)),
    colourOperators: colourOps,
    colourSpaces,
    images,
    standard: { pdfx, outputIntent, profileComponents },
    problems,
  };
}

/** The preflight as the terminal shows it (Chinese, one fact a line). */
export function formatPreflight(r: PreflightReport): string {
  const mm = (pt: number) => (pt * 25.4) / 72;
  const size = (b: Box) => `${mm(b[2] - b[0]).toFixed(1)}×${mm(b[3] - b[1]).toFixed(1)} mm`;
  const lines = [`页数：${r.pages}${r.pages % 2 ? '（奇数）' : '（偶数）'}`];
  for (const b of r.boxes) {
    lines.push(`页面框（${b.pages} 页）：MediaBox ${size(b.media)}，BleedBox ${b.bleed ? size(b.bleed) : '无'}，TrimBox ${b.trim ? size(b.trim) : '无'}`);
  }
  lines.push(`字体（${r.fonts.length}）：${r.fonts.map((f) => `${f.name}${f.embedded ? '' : '（未嵌入）'}${f.copies > 1 ? ` ×${f.copies}` : ''}`).join('、')}`);
  lines.push(`颜色操作：${Object.entries(r.colourOperators).map(([k, v]) => `${k} ${v}`).join('，') || '无'}`);
  lines.push(`色彩空间：${Object.entries(r.colourSpaces).map(([k, v]) => `${k} ${v}`).join('，') || '无'}`);
  lines.push(`图片：${r.images.length ? r.images.map((i) => `${i.width}×${i.height} ${i.colourSpace} ${i.bitsPerComponent} bit${i.ppi !== null ? ` ${i.ppi} ppi` : ''}`).join('；') : '无'}`);
  lines.push(`标准：${r.standard.pdfx ?? '未声明'}；OutputIntent ${r.standard.outputIntent ?? '无'}${r.standard.profileComponents ? `（ICC ${r.standard.profileComponents === 1 ? '灰度' : `${r.standard.profileComponents} 通道`}）` : ''}`);
  lines.push(r.problems.length ? `问题（${r.problems.length}）：\n${r.problems.map((p) => `  - ${p}`).join('\n')}` : '印前检查通过。');
  return lines.join('\n');
}
