/**
 * `/PageLabels` from the page map, so a viewer shows exactly the folio printed (or the folio the
 * page would carry when it is not printed): i, ii, … for front matter, 1, 2, … from the first body page.
 */
import { PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFObject } from 'pdf-lib';
import type { PageMap } from '../../../model/types.ts';

type Style = { kind: 'D' | 'r' | 'R'; value: number } | { kind: 'P'; prefix: string };

const ROMAN: Array<[number, string]> = [
  [1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'],
  [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i'],
];

export function toRoman(n: number): string {
  let out = '';
  for (const [v, s] of ROMAN) while (n >= v) { out += s; n -= v; }
  return out;
}

export function fromRoman(s: string): number | null {
  const lower = s.toLowerCase();
  if (!/^[ivxlcdm]+$/.test(lower)) return null;
  const values: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 };
  let n = 0;
  for (let i = 0; i < lower.length; i++) {
    const v = values[lower[i]!]!;
    const next = values[lower[i + 1] ?? ''] ?? 0;
    n += v < next ? -v : v;
  }
  return toRoman(n) === lower ? n : null;
}

function styleOf(folio: string): Style {
  if (/^\d+$/.test(folio) && Number(folio) > 0) return { kind: 'D', value: Number(folio) };
  const roman = fromRoman(folio);
  if (roman != null) return { kind: folio === folio.toLowerCase() ? 'r' : 'R', value: roman };
  return { kind: 'P', prefix: folio };
}

/** Ranges of the number tree: [0-based page index, style] where a new numbering run starts. */
export function labelRanges(pageMap: PageMap): Array<{ index: number; style: Style }> {
  const ranges: Array<{ index: number; style: Style }> = [];
  let prev: Style | null = null;
  pageMap.pages.forEach((p, index) => {
    const style = styleOf(p.folio);
    const continues =
      prev && style.kind !== 'P' && prev.kind === style.kind && style.value === (prev as { value: number }).value + 1;
    if (!continues) ranges.push({ index, style });
    prev = style;
  });
  return ranges;
}

export function setPageLabels(doc: PDFDocument, pageMap: PageMap): void {
  const { context } = doc;
  const nums: PDFObject[] = [];
  for (const { index, style } of labelRanges(pageMap)) {
    const dict = context.obj({});
    if (style.kind === 'P') {
      dict.set(PDFName.of('P'), PDFHexString.fromText(style.prefix));
    } else {
      dict.set(PDFName.of('S'), PDFName.of(style.kind));
      if (style.value !== 1) dict.set(PDFName.of('St'), PDFNumber.of(style.value));
    }
    nums.push(PDFNumber.of(index), dict);
  }
  const tree = context.obj({});
  tree.set(PDFName.of('Nums'), context.obj(nums));
  doc.catalog.set(PDFName.of('PageLabels'), context.register(tree));
}
