/**
 * Page boxes. The trim is the 成品尺寸 from book.yaml. Without print-ready the page IS the trim
 * (TrimBox = MediaBox); with print-ready the page is trim + 2 × (bleed + slug): the BleedBox is
 * the trim + bleed, the slug around it holds the crop marks (page-css.ts SLUG_MM), so
 * MediaBox > BleedBox > TrimBox. Chromium rounds page sizes to its pixel grid (185 mm comes out
 * 523.92 pt instead of 524.41 pt), so the MediaBox is set to the exact size when the page is
 * within a few points of it; a page further off means the layout used the wrong size.
 */
import type { PDFDocument } from 'pdf-lib';
import { JuanError } from '../../../report/errors.ts';
import { SLUG_MM } from '../page-css.ts';

export const mmToPt = (mm: number): number => (mm * 72) / 25.4;

/** How far (pt) Chromium's page size may be from the exact one. */
const TOLERANCE = 3;

export function setBoxes(doc: PDFDocument, options: { printReady: boolean; bleedMm: number; trimMm: { width: number; height: number } }): void {
  const bleed = options.printReady ? mmToPt(options.bleedMm) : 0;
  const slug = options.printReady ? mmToPt(SLUG_MM) : 0;
  const trimW = mmToPt(options.trimMm.width);
  const trimH = mmToPt(options.trimMm.height);
  const width = trimW + 2 * (bleed + slug);
  const height = trimH + 2 * (bleed + slug);
  doc.getPages().forEach((page, i) => {
    const media = page.getMediaBox();
    if (Math.abs(media.width - width) > TOLERANCE || Math.abs(media.height - height) > TOLERANCE) {
      throw new JuanError(
        'render',
        `PDF 第 ${i + 1} 页尺寸为 ${media.width.toFixed(2)}×${media.height.toFixed(2)} pt，应为 ${width.toFixed(2)}×${height.toFixed(2)} pt` +
          `（成品 ${options.trimMm.width}×${options.trimMm.height} mm${options.printReady ? `，出血 ${options.bleedMm} mm，裁切标记区 ${SLUG_MM} mm` : ''}）`,
        { source: 'print:postprocess', hint: '排版时的 @page size 与 book.yaml 的 page.trim / bleed 不一致' },
      );
    }
    const { x, y } = media;
    page.setMediaBox(x, y, width, height);
    page.setCropBox(x, y, width, height);
    page.setBleedBox(x + slug, y + slug, trimW + 2 * bleed, trimH + 2 * bleed);
    page.setTrimBox(x + slug + bleed, y + slug + bleed, trimW, trimH);
  });
}
