/**
 * What a book designer marks, counted on the seed book's PDF text (layout-quality.ts):
 * no 孤字, no wrapped heading ending in ≤ 2 characters, no heading at a page foot with fewer
 * than two lines after it, no widow or orphan line. The counter is first shown failing on a
 * PDF made to have each fault.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, inject, it } from 'vitest';
import { countFindings, layoutFindings } from './layout-quality.ts';
import { readPdfText } from '../../pipeline/check/pdf-text.ts';

const seedOut = inject('seedOut');
const buildError = inject('seedBuildError');

/** A page with each fault the counter must see, set in Helvetica at 10.5 pt on a 300 pt measure. */
async function faultyPdf(nextPage = 'the section goes on here'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([400, 600]);
  let y = 560;
  const line = (text: string, opts: { x?: number; size?: number; full?: boolean } = {}) => {
    const size = opts.size ?? 10.5;
    // A full (justified) line: spread to the 300 pt measure with character spacing.
    const width = font.widthOfTextAtSize(text, size);
    const x = opts.x ?? 50;
    const spacing = opts.full ? (350 - x - width) / Math.max(text.length - 1, 1) : 0;
    let at = x;
    for (const ch of text) {
      page.drawText(ch, { x: at, y, size, font });
      at += font.widthOfTextAtSize(ch, size) + spacing;
    }
    y -= size * 1.8;
  };
  line('Paper Title', { x: 120, size: 18 });
  line('Section One Is Long', { size: 12 });
  line('Ab', { size: 12 }); // a wrapped heading ending in 2 characters
  line('first line of a paragraph', { x: 71, full: true });
  line('a long middle line of the text', { full: true });
  line('a.'); // 孤字
  line('1.', { x: 71 }); // a paragraph of one short line: no 孤字
  for (let i = 0; i < 20; i++) line('another full line of paragraph text', { x: i % 3 ? 50 : 71, full: true });
  line('Section Two', { size: 10.5 });
  line('only one line after the heading', { x: 71, full: true }); // heading at the foot, and an orphan
  // the section goes on on the next page (were it to start with a heading, the one above would be no fault)
  const next = doc.addPage([400, 600]);
  next.drawText(nextPage, { x: 50, y: 560, size: 10.5, font });
  return doc.save();
}

describe('layout quality counter', () => {
  it('finds each fault on a page made to have them', async () => {
    const html = '<h3 class="paper-title">Paper Title</h3><h4 class="section-1">Section One Is LongAb</h4><h5 class="section-2">Section Two</h5>';
    const report = await layoutFindings(await faultyPdf(), html);
    const counts = countFindings(report.findings);
    expect(counts).toEqual({ orphanChars: 1, badWraps: 1, headsAtFoot: 1, widows: 0, orphans: 1 });
    expect(report.findings.find((f) => f.kind === 'orphanChars')?.text).toBe('a.');
    expect(report.findings.find((f) => f.kind === 'badWraps')?.text).toBe('Ab');
    // the same page, the next one opening with a heading: Section Two's one line was all its text
    const ended = await layoutFindings(await faultyPdf('Section Three'), html.replace('</h5>', '</h5><h5 class="section-2">Section Three</h5>'));
    expect(countFindings(ended.findings).headsAtFoot).toBe(0);
  });
});

describe('seed build: what a designer would mark', () => {
  it('has no 孤字, no badly wrapped heading, no heading at a page foot, no widow or orphan', async () => {
    expect(buildError).toBeNull();
    const report = await layoutFindings(new Uint8Array(readFileSync(join(seedOut, 'book.pdf'))), readFileSync(join(seedOut, 'print.html'), 'utf8'));
    // The counter saw the book: every paper title and section head, and the paragraphs' ends.
    expect(report.headings).toBeGreaterThanOrEqual(15);
    expect(report.paragraphEnds).toBeGreaterThan(30);
    expect(report.findings).toEqual([]);
  });
});

describe('seed build: 目录', () => {
  it('sets the page numbers right-aligned in one column, the leaders ending the same distance before it', async () => {
    const { pages } = await readPdfText(new Uint8Array(readFileSync(join(seedOut, 'book.pdf'))));
    const toc = pages.find((p) => p.lines.some((l) => l.text.replace(/\s/g, '') === '目录'))!;
    const entries = toc.lines.filter((l) => /·\s*\d+$/.test(l.text));
    expect(entries.length).toBe(3);
    const rights = entries.map((l) => l.right);
    // numbers of different widths (3, 11, 22) end at the same x
    expect(Math.max(...rights) - Math.min(...rights)).toBeLessThan(0.5);
    expect(new Set(entries.map((l) => /(\d+)$/.exec(l.text)![1]!.length)).size).toBeGreaterThan(1);
  });
});
