/** --print-ready: the PDF page grows by the bleed on every side (crop marks live there); the layout is the one without bleed. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BrowserSession, renderPrint, type PrintResult } from '../../pipeline/render/print/index.ts';
import { SLUG_MM } from '../../pipeline/render/print/page-css.ts';
import { seedVolume } from '../support/seed-volume.ts';
import { PT_PER_MM, readPdf, squeeze, type PdfPage } from './helpers.ts';

let session: Promise<BrowserSession>;
let bled: PrintResult;
let plain: PrintResult;
let bledPages: PdfPage[];
let plainPages: PdfPage[];

beforeAll(async () => {
  const volume = seedVolume();
  session = BrowserSession.launch();
  bled = await renderPrint(volume, { printReady: true, session });
  plain = await renderPrint(volume, { printReady: false, session });
  [bledPages, plainPages] = await Promise.all([readPdf(bled.pdf), readPdf(plain.pdf)]);
}, 600_000);
afterAll(async () => {
  await (await session).close();
});

it('adds 3 mm bleed and the slug on every side, with crop marks in the slug', () => {
  for (const page of bledPages) {
    expect(Math.abs(page.width / PT_PER_MM - (185 + 2 * (3 + SLUG_MM)))).toBeLessThanOrEqual(0.5);
    expect(Math.abs(page.height / PT_PER_MM - (260 + 2 * (3 + SLUG_MM)))).toBeLessThanOrEqual(0.5);
  }
  expect(bled.html).toContain(`bleed:${3 + SLUG_MM}mm;marks:crop`);
});

it('lays the book out exactly as without bleed: same page map, same text on every page, bleed + slug further in', () => {
  expect(bled.pageMap).toEqual(plain.pageMap);
  expect(bledPages.length).toBe(plainPages.length);
  plainPages.forEach((page, i) => {
    const other = bledPages[i]!;
    expect(squeeze(other.text), `page ${i + 1}`).toBe(squeeze(page.text));
    // Every text item sits where it sits on the trimmed page, shifted by the bleed.
    const first = page.items[0];
    if (first) {
      expect(Math.abs(other.items[0]!.x - (first.x + (3 + SLUG_MM) * PT_PER_MM))).toBeLessThan(0.5);
      expect(Math.abs(other.items[0]!.y - (first.y + (3 + SLUG_MM) * PT_PER_MM))).toBeLessThan(0.5);
    }
  });
});
