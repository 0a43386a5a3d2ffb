/**
 * Where each part of a split table is printed, from the PDF's glyph positions: per page, the
 * leftmost and rightmost glyph of the rows from the header row to the last data row, measured
 * from the left edge of that page's type area (rectos and versos have mirrored margins).
 */
import type { BookConfig } from '../../pipeline/config/schema.ts';
import { pageGeometry } from '../../pipeline/render/print/page-css.ts';
import { squeeze, type PdfPage } from '../print/helpers.ts';

const PT_PER_PX = 0.75;

export interface PartEdges {
  page: number;
  left: number;
  right: number;
  /** Where each header-row text item starts: the columns' places. */
  header: number[];
}

/**
 * `pages` are physical pages (1-based numbers in `at`); a physical odd page is a recto (the book
 * opens on a recto). `header` is the header row's text, `row` tells a data row's squeezed text.
 */
export function tablePartEdges(pages: PdfPage[], at: number[], page: BookConfig['page'], header: string, row: RegExp): PartEdges[] {
  const { margins } = pageGeometry(page, false);
  return at.map((n) => {
    const p = pages[n - 1]!;
    const left0 = (n % 2 === 1 ? margins.inner : margins.outer) * PT_PER_PX;
    const byLine = new Map<number, typeof p.items>();
    for (const item of p.items) {
      const y = [...byLine.keys()].find((k) => Math.abs(k - item.y) < 2) ?? item.y;
      byLine.set(y, [...(byLine.get(y) ?? []), item]);
    }
    const lines = [...byLine].sort((a, b) => a[0] - b[0]).map(([y, items]) => ({ y, items, text: squeeze(items.sort((a, b) => a.x - b.x).map((i) => i.str).join('')) }));
    const top = lines.find((l) => l.text === squeeze(header));
    const bottom = lines.filter((l) => row.test(l.text)).at(-1);
    if (!top || !bottom) throw new Error(`page ${n}: no table header or row`);
    const items = lines.filter((l) => l.y >= top.y && l.y <= bottom.y).flatMap((l) => l.items).filter((i) => i.str.trim());
    return {
      page: n,
      left: Math.min(...items.map((i) => i.x)) - left0,
      right: Math.max(...items.map((i) => i.x + i.width)) - left0,
      header: top.items.filter((i) => i.str.trim()).map((i) => i.x - left0),
    };
  });
}
