/** --print-ready: the PDF page grows by the bleed and the slug on every side (crop marks live in the slug); otherwise it is the trim size. */
import { beforeAll, expect, it } from 'vitest';
import { renderPrint, type PrintResult } from '../../pipeline/render/print/index.ts';
import { SLUG_MM } from '../../pipeline/render/print/page-css.ts';
import { sampleVolume } from '../fixtures/sample-volume.ts';
import { PT_PER_MM, readPdf, squeeze, type PdfPage } from './helpers.ts';

let result: PrintResult;
let pages: PdfPage[];

beforeAll(async () => {
  result = await renderPrint(sampleVolume(), { printReady: true });
  pages = await readPdf(result.pdf);
}, 300_000);

it('adds 3 mm bleed and the slug on every side', () => {
  for (const page of pages) {
    expect(Math.abs(page.width / PT_PER_MM - (185 + 2 * (3 + SLUG_MM)))).toBeLessThanOrEqual(0.5);
    expect(Math.abs(page.height / PT_PER_MM - (260 + 2 * (3 + SLUG_MM)))).toBeLessThanOrEqual(0.5);
  }
});

it('lays the book out exactly as without bleed', () => {
  expect(result.pageMap.pages.map((p) => p.folio)).toContain('1');
  expect(squeeze(pages[0]!.text)).toContain('论文集');
  expect(result.html).toContain(`bleed:${3 + SLUG_MM}mm;marks:crop`);
});
