/**
 * The EPUB of the real seed build (`juan build`, run once per test run by the global setup),
 * checked against the PDF of the same build: epubcheck 0/0/0, page-list = the PDF's own page
 * labels for its body pages, each paper's file opens at the page the 目录 (toc.json) gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { TocEntry } from '../../pipeline/model/types.ts';
import { countBySeverity, epubcheck, epubcheckUnavailable, selectAll, textContent, unzip, xml, type Unzipped } from './helpers.ts';

const seedOut = inject('seedOut');
const buildError = inject('seedBuildError');

let book: Unzipped;
let epubBytes: Uint8Array;
let toc: TocEntry[];

/** The PDF's page labels and whether each page has any text (blank pages have none, not even a folio). */
async function pdfPages(path: string): Promise<Array<{ label: string; hasText: boolean }>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(path)), useSystemFonts: false, verbosity: 0 }).promise;
  const labels = (await doc.getPageLabels()) ?? [];
  const out: Array<{ label: string; hasText: boolean }> = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    out.push({ label: labels[i - 1] ?? String(i), hasText: content.items.some((item) => 'str' in item && item.str.trim() !== '') });
  }
  await doc.destroy();
  return out;
}

describe('EPUB of the seed build', () => {
  beforeAll(async () => {
    if (buildError) throw new Error(`seed build failed: ${buildError}`);
    epubBytes = new Uint8Array(readFileSync(join(seedOut, 'book.epub')));
    book = await unzip(epubBytes);
    toc = JSON.parse(readFileSync(join(seedOut, 'toc.json'), 'utf8')) as TocEntry[];
  });

  it('page-list entries are the PDF page labels of the body pages', async () => {
    const pages = await pdfPages(join(seedOut, 'book.pdf'));
    const firstBody = toc.find((e) => e.kind === 'part')!.pdfPage!;
    let body = pages.slice(firstBody - 1);
    while (body.length && !body.at(-1)!.hasText) body = body.slice(0, -1); // a trailing blank verso has no place in the text
    const labels = selectAll('nav[epub\\:type="page-list"] a', xml(book.text('OEBPS/toc.xhtml'))).map(textContent);
    expect(labels).toEqual(body.map((p) => p.label));
  });

  it('each paper file opens at the page the 目录 gives for the paper', () => {
    for (const entry of toc.filter((e) => e.kind === 'paper')) {
      const source = book.text(`OEBPS/${entry.id}.xhtml`);
      const beforeSection = source.slice(0, source.indexOf(`<section class="paper`));
      const markers = [...beforeSection.matchAll(/epub:type="pagebreak"[^>]*aria-label="([^"]+)"/g)].map((m) => m[1]);
      expect(markers.at(-1), entry.id).toBe(entry.page);
    }
  });

  const unavailable = epubcheckUnavailable();
  it.skipIf(unavailable)(`passes epubcheck with 0 fatals / 0 errors / 0 warnings${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
    const messages = epubcheck(epubBytes);
    expect(messages.filter((m) => ['FATAL', 'ERROR', 'WARNING'].includes(m.severity)).map((m) => `${m.severity} ${m.ID} ${m.message}`)).toEqual([]);
    expect(countBySeverity(messages)).toEqual({ fatal: 0, error: 0, warning: 0 });
  }, 300_000); // epubcheck (Java) takes ~20 CPU-s, over 100 s of wall time on a loaded machine
});
