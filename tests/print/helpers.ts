/** Read a PDF back the way a viewer does (pdfjs-dist) and with poppler, for the print tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { BrowserSession } from '../../pipeline/render/print/browser.ts';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfTextItem { str: string; x: number; y: number; height: number; width: number }
export interface PdfPage { width: number; height: number; items: PdfTextItem[]; text: string }

export const PT_PER_MM = 72 / 25.4;

/** Every page's size (pt) and text items with positions (y from the top, pt). */
export async function readPdf(data: Uint8Array): Promise<PdfPage[]> {
  const doc = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: PdfPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const items: PdfTextItem[] = [];
    for (const item of content.items) {
      if (!('str' in item) || !item.str) continue;
      items.push({ str: item.str, x: item.transform[4] - x0, y: y1 - item.transform[5], height: item.height, width: item.width });
    }
    pages.push({ width: x1 - x0, height: y1 - y0, items, text: items.map((i) => i.str).join('') });
  }
  await doc.destroy();
  return pages;
}

/** Lines of text on a page: items grouped by baseline (y within 2 pt), left to right. */
export function pageLines(page: PdfPage): string[] {
  const rows: Array<{ y: number; items: PdfTextItem[] }> = [];
  for (const item of [...page.items].sort((a, b) => a.y - b.y || a.x - b.x)) {
    const row = rows.find((r) => Math.abs(r.y - item.y) < 2);
    if (row) row.items.push(item);
    else rows.push({ y: item.y, items: [item] });
  }
  return rows.map((r) => r.items.sort((a, b) => a.x - b.x).map((i) => i.str).join('').trim()).filter(Boolean);
}

export const squeeze = (s: string) => s.replace(/\s+/g, '');

/** `pdffonts` rows: name, type, embedded. */
export function pdffonts(file: string): Array<{ name: string; type: string; embedded: boolean }> {
  const out = execFileSync('pdffonts', [file], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((line) => {
      const m = /^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)/.exec(line);
      if (!m) throw new Error(`unparsed pdffonts line: ${line}`);
      return { name: m[1]!, type: m[2]!.trim(), embedded: m[4] === 'yes' };
    });
}

/**
 * The seed's print.html (fonts from the build's assets/) printed by Chromium without Paged.js,
 * with `extraCss` added: for the tests that show a layout check failing on a page made wrong on
 * purpose. Call at the top of a test file: the browser is launched before its tests, closed after.
 */
export function seedHtmlPrinter(): (extraCss: string) => Promise<Uint8Array> {
  const seedOut = inject('seedOut');
  let session: BrowserSession;
  beforeAll(async () => {
    expect(inject('seedBuildError')).toBeNull();
    session = await BrowserSession.launch();
  }, 120_000);
  afterAll(async () => session?.close());
  return async (extraCss) => {
    const dir = mkdtempSync(join(tmpdir(), 'juan-seed-html-'));
    symlinkSync(join(seedOut, 'assets'), join(dir, 'assets'));
    const html = readFileSync(join(seedOut, 'print.html'), 'utf8').replace('</head>', `<style>${extraCss}</style></head>`);
    writeFileSync(join(dir, 'print.html'), html);
    const page = await session.browser.newPage();
    try {
      await page.goto(pathToFileURL(join(dir, 'print.html')).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      return new Uint8Array(await page.pdf({ preferCSSPageSize: true }));
    } finally {
      await page.close();
    }
  };
}
