/**
 * Text of a PDF as a viewer extracts it (pdfjs-dist reads the fonts' ToUnicode maps), grouped
 * into lines by baseline. Used by `juan check` and by tests that read the book back.
 *
 * CJK text often comes as one item per glyph or per run; items on the same baseline are joined
 * in x order, with a single space where the gap between two items is wider than a quarter em
 * (so a leader gap or a column gap stays visible, a glyph-by-glyph run does not).
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface TextLine {
  /** The line's text, items joined as described above. */
  text: string;
  /** Left edge, in PDF points from the page's left edge. */
  x: number;
  /** Baseline, in points from the TOP of the page (so lines sort top to bottom). */
  top: number;
  /** Largest font size on the line, in points. */
  size: number;
  /** Right edge of the line's last item, in points from the page's left edge. */
  right: number;
}

export interface PageText {
  /** 1-based physical page. */
  page: number;
  width: number;
  height: number;
  lines: TextLine[];
}

export interface PdfText {
  pages: PageText[];
  /** The page labels (`/PageLabels`) as a viewer shows them, or null when the PDF has none. */
  labels: string[] | null;
}

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** Group text items into lines (top to bottom) and join each line's items (left to right). */
export function itemsToLines(items: Item[], pageHeight: number): TextLine[] {
  const sorted = items.filter((i) => i.str.trim() !== '').sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: Item[][] = [];
  for (const item of sorted) {
    const last = groups[groups.length - 1];
    if (last) {
      const ref = last[0]!;
      const tolerance = 0.4 * Math.max(ref.size, item.size, 1);
      if (Math.abs(ref.y - item.y) <= tolerance) {
        last.push(item);
        continue;
      }
    }
    groups.push([item]);
  }
  return groups.map((group) => {
    group.sort((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    for (const item of group) {
      if (text && item.x - end > 0.25 * item.size) text += ' ';
      text += item.str;
      end = Math.max(end, item.x + item.width);
    }
    return {
      text: text.replace(/\s+/g, ' ').trim(),
      x: group[0]!.x,
      top: pageHeight - group[0]!.y,
      size: Math.max(...group.map((i) => i.size)),
      right: end,
    };
  });
}

/** Read every page's text lines and the page labels. */
export async function readPdfText(data: Uint8Array): Promise<PdfText> {
  // pdfjs may transfer (detach) the buffer it is given: hand it a copy.
  const doc = await getDocument({ data: new Uint8Array(data), verbosity: 0, isEvalSupported: false, useSystemFonts: false }).promise;
  try {
    const pages: PageText[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const raw of content.items) {
        if (!('str' in raw)) continue;
        const [a, b, c, d, e, f] = raw.transform as number[];
        const size = Math.hypot(c!, d!) || Math.hypot(a!, b!) || raw.height;
        items.push({ str: raw.str, x: e! - x0, y: f! - y0, width: raw.width, size });
      }
      pages.push({ page: n, width: x1 - x0, height: y1 - y0, lines: itemsToLines(items, y1 - y0) });
      page.cleanup();
    }
    const labels = await doc.getPageLabels();
    return { pages, labels };
  } finally {
    await doc.destroy();
  }
}
