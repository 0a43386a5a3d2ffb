/**
 * PDF post-processing (pdf-lib), after Chromium printed the laid-out book:
 * metadata and language, page labels as printed, outline 篇 → 章 → paper, page boxes; for
 * --print-ready also pdf/press.ts (even page count, gray colours, PDF/X-4 OutputIntent).
 * Deterministic: the same PDF, volume and page map give the same bytes.
 */
import type { PDFDocument } from 'pdf-lib';
import type { PageMap, Volume } from '../../model/types.ts';
import { JuanError } from '../../report/errors.ts';
import { mmToPt, setBoxes } from './pdf/boxes.ts';
import { SLUG_MM } from './page-css.ts';
import { bookDate, setMetadata } from './pdf/metadata.ts';
import { pressReady, type PressReport } from './pdf/press.ts';
import { outlineTree, setOutline } from './pdf/outline.ts';
import { setPageLabels } from './pdf/page-labels.ts';

export interface PostprocessOptions {
  printReady: boolean;
  bleedMm: number;
  trimMm: { width: number; height: number };
}

/** Post-process the merged book in memory (merge.ts), before it is saved once. */
export function postprocessDocument(doc: PDFDocument, volume: Volume, pageMap: PageMap, options: PostprocessOptions): PressReport | null {
  const pageCount = doc.getPageCount();
  if (pageMap.pages.length !== pageCount) {
    throw new JuanError('render', `页面映射有 ${pageMap.pages.length} 页，PDF 却有 ${pageCount} 页`, {
      source: 'print:postprocess',
      hint: '排版后读取页面映射与打印 PDF 之间页面发生了变化',
    });
  }
  setMetadata(doc, volume.meta);
  setPageLabels(doc, pageMap);
  setOutline(doc, outlineTree(volume, pageMap));
  // Press-ready: even page count, gray colours, PDF/X OutputIntent — before the boxes, so a blank page added gets them too.
  const press = options.printReady
    ? pressReady(doc, bookDate(volume.meta.date), { inset: mmToPt(options.bleedMm + SLUG_MM), bleed: mmToPt(options.bleedMm) })
    : null;
  setBoxes(doc, options);
  return press;
}
