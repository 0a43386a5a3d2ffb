/**
 * Assemble the tabs' PDFs (layout.ts) into the book's PDF with pdf-lib: pages copied in book
 * order (each font face once: pdf/fonts.ts); a chunk may list one of its pages twice (the blank verso before a 篇 is a copy of the
 * blank verso after its title page, so it is exactly what Paged.js prints for a blank page),
 * and -1 for an empty page of the chunk's size. A body page is printed bare (layout.ts) and gets
 * its stamp pages (running head, folio, crop marks) drawn over it here (pdf/stamp.ts).
 * Post-processing (outline, labels, boxes, metadata) runs afterwards on the merged document
 * before it is saved once.
 */
import { ParseSpeeds, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNull, PDFRef, PDFString, type PDFObject, type PDFPage } from 'pdf-lib';
import { JuanError } from '../../report/errors.ts';
import type { Overlay } from './folios.ts';
import { shareFonts, type FlateCache } from './pdf/fonts.ts';
import { debugTiming } from '../../report/debug-timing.ts';
import { stampForms, stampPage } from './pdf/stamp.ts';

/** A link box on a page of the merged PDF (CSS px from the page's top left) to another page (0-based). */
export interface PageLink { page: number; target: number; x: number; y: number; w: number; h: number; pageWidth: number }

/**
 * Chromium links an `<a href="#id">` whose target is in the same tab as a named destination
 * (`/Dest /p14-d39932`) resolved by that tab's own name tree, which the merged book does not
 * have: such links go nowhere, and which 目录 entries got one depended on which papers shared the
 * front matter's tab (two cold builds differed). The links across chunks are made below; these
 * are removed, their objects with them.
 */
function dropNamedLinks(doc: PDFDocument, page: PDFPage): void {
  const annots = doc.context.lookup(page.node.get(PDFName.of('Annots')));
  if (!(annots instanceof PDFArray)) return;
  const named = (o: PDFObject | undefined) => o instanceof PDFName || o instanceof PDFString || o instanceof PDFHexString;
  const kept: PDFObject[] = [];
  for (const ref of annots.asArray()) {
    const annot = doc.context.lookup(ref);
    const action = annot instanceof PDFDict ? doc.context.lookup(annot.get(PDFName.of('A'))) : undefined;
    const dest = annot instanceof PDFDict ? (annot.get(PDFName.of('Dest')) ?? (action instanceof PDFDict ? action.get(PDFName.of('D')) : undefined)) : undefined;
    if (annot instanceof PDFDict && annot.get(PDFName.of('Subtype')) === PDFName.of('Link') && named(doc.context.lookup(dest))) {
      if (ref instanceof PDFRef) doc.context.delete(ref);
    } else kept.push(ref);
  }
  if (kept.length === annots.size()) return;
  if (kept.length) page.node.set(PDFName.of('Annots'), doc.context.obj(kept));
  else page.node.delete(PDFName.of('Annots'));
}

/**
 * A PDF parsed in one go: pdf-lib's default parses 100 objects per macrotask (a setTimeout
 * after each, for pages that must stay responsive), which only adds waiting here. `inTurns`:
 * 250 objects per macrotask, for a PDF parsed ahead while the tabs still work (a cached one,
 * ~1 MB: 0.2–0.3 s) — Node's replies to the tabs are not held up behind it.
 */
export function loadPdf(pdf: Uint8Array, inTurns = false): Promise<PDFDocument> {
  return PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: inTurns ? 250 : ParseSpeeds.Fastest });
}

/**
 * The merged book as a pdf-lib document: post-processed (postprocess.ts) and saved by the
 * caller. `loaded`: source PDFs already being parsed (each tab's, as soon as it is printed).
 */
export async function mergePdfs(
  parts: Array<{ pdf: Uint8Array; pages: number[]; over?: Array<Overlay<Uint8Array> | null> }>,
  links: PageLink[] = [],
  loaded = new Map<Uint8Array, Promise<PDFDocument>>(),
  /** The font subsets the tabs loaded: each face's copies (one per tab PDF) become one (pdf/fonts.ts). */
  fontPrograms: Uint8Array[] = [],
  /** The faces' compressed programs and maps from earlier builds (pdf/fonts.ts). */
  flateCache?: FlateCache,
): Promise<PDFDocument> {
  const out = await PDFDocument.create({ updateMetadata: false });
  // Each distinct source PDF is parsed once and copied from in ONE copyPages call, so the
  // fonts and other resources its pages share are copied once, not once per chunk.
  const sources = new Map<Uint8Array, { doc: PDFDocument; wanted: number[]; copied: PDFPage[] }>();
  const want = async (pdf: Uint8Array, pages: number[], n: number) => {
    let source = sources.get(pdf);
    if (!source) {
      let doc: PDFDocument;
      try {
        doc = await (loaded.get(pdf) ?? loadPdf(pdf));
      } catch (cause) {
        throw new JuanError('render', `第 ${n + 1} 块排版结果的 PDF 无法读取：${(cause as Error).message}`, { source: 'print:merge', cause });
      }
      source = { doc, wanted: [], copied: [] };
      sources.set(pdf, source);
    }
    const wanted = new Set(source.wanted);
    for (const k of pages) {
      if (k >= source.doc.getPageCount()) {
        throw new JuanError('render', `排版结果的 PDF 只有 ${source.doc.getPageCount()} 页，页码表却需要第 ${k + 1} 页`, { source: 'print:merge' });
      }
      if (k >= 0 && !wanted.has(k)) {
        wanted.add(k);
        source.wanted.push(k);
      }
    }
  };
  // JUAN_DEBUG_TIMING: each step of the merge on the timeline
  let since = performance.now();
  const lap = (step: string) => {
    debugTiming('merge', step, since);
    since = performance.now();
  };
  for (const [n, part] of parts.entries()) {
    await want(part.pdf, part.pages, n);
    for (const o of part.over ?? []) for (const st of o?.stamps ?? []) await want(st.pdf, [st.page], n);
  }
  lap('parse (what is not parsed yet)');
  for (const source of sources.values()) {
    const wanted = source.wanted.length ? source.wanted : [0];
    const copied = await out.copyPages(source.doc, wanted);
    source.copied = [];
    wanted.forEach((k, i) => (source!.copied[k] = copied[i]!));
  }
  for (const source of sources.values()) for (const page of source.copied) if (page) dropNamedLinks(out, page);
  lap('copy pages');
  const used = new Set<PDFPage>();
  const forms = stampForms(out);
  for (const part of parts) {
    const source = sources.get(part.pdf)!;
    for (const [i, k] of part.pages.entries()) {
      let page: PDFPage;
      if (k < 0) {
        const { width, height } = source.copied.find(Boolean)!.getSize();
        page = out.addPage([width, height]);
      } else {
        page = source.copied[k]!;
        // The same page twice (a blank verso reused): the second one is a fresh copy.
        if (used.has(page)) [page] = await out.copyPages(source.doc, [k]);
        used.add(page);
        out.addPage(page);
      }
      const over = part.over?.[i];
      if (over) stampPage(out, page, over.stamps.map((st) => forms.of(sources.get(st.pdf)!.copied[st.page]!)), over.dx);
    }
  }
  // Links across chunks (the 目录 → each paper's first page), as Chromium makes them within one document.
  const pages = out.getPages();
  for (const link of links) {
    const page = pages[link.page];
    const target = pages[link.target];
    if (!page || !target) continue;
    const { width, height } = page.getSize();
    const k = width / link.pageWidth;
    const annot = out.context.obj({
      Type: 'Annot',
      Subtype: 'Link',
      Rect: [link.x * k, height - (link.y + link.h) * k, (link.x + link.w) * k, height - link.y * k],
      Border: [0, 0, 0],
      Dest: [target.ref, PDFName.of('XYZ'), PDFNull, PDFNull, PDFNull],
    });
    page.node.addAnnot(out.context.register(annot));
  }
  lap('stamps, links');
  if (fontPrograms.length) await shareFonts(out, fontPrograms, flateCache);
  lap('fonts');
  return out;
}
