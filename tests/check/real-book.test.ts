/**
 * The real print renderer's output (renderPrint on the normalized seed), post-processed,
 * with the toc.json and Markdown writers' files: `juan check` passes on it and fails when one
 * page number is wrong. Also reads back what post-processing added.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { checkBook, formatCheckTable } from '../../pipeline/check/index.ts';
import { BrowserSession, renderPrint } from '../../pipeline/render/print/index.ts';
import { postprocessPdf } from '../support/postprocess.ts';
import { volumeToToc } from '../../pipeline/render/toc-json.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import { TRIM_PRESETS } from '../../pipeline/config/schema.ts';
import type { PageMap, TocEntry, Volume } from '../../pipeline/model/types.ts';
import { seedVolume } from '../support/seed-volume.ts';

let dir: string;
let volume: Volume;
let pageMap: PageMap;
let pdf: Uint8Array;
let toc: TocEntry[];
let markdown: string;
const paths = { pdf: '', tocJson: '', markdown: '' };
let shiftedPdf = '';


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juan-real-'));
  volume = seedVolume();
  const options = { printReady: false, bleedMm: volume.meta.page.bleed, trimMm: TRIM_PRESETS[volume.meta.page.trim] };
  const session = await BrowserSession.launch();
  try {
    const result = await renderPrint(volume, { session });
    pageMap = result.pageMap;
    pdf = await postprocessPdf(result.pdf, volume, pageMap, options);
    // The same book with every paper's 目录 number one too high (changed in the laid-out page
    // just before printing): a wrong 目录 in the real layout.
    const shifted = await renderPrint(volume, {
      session,
      inspect: (page) =>
        page.evaluate(() => {
          for (const slot of Array.from(document.querySelectorAll<HTMLElement>('.pagedjs_page .toc-page[data-target^="p"]'))) {
            slot.textContent = (slot.textContent ?? '').replace(/\d+/, (n: string) => String(Number(n) + 1).padStart(n.length, '0'));
          }
        }),
    });
    shiftedPdf = join(dir, 'shifted.pdf');
    writeFileSync(shiftedPdf, await postprocessPdf(shifted.pdf, volume, shifted.pageMap, options));
  } finally {
    await session.close();
  }
  toc = volumeToToc(volume, pageMap);
  markdown = volumeToMarkdown(volume, pageMap);
  paths.pdf = join(dir, 'book.pdf');
  paths.tocJson = join(dir, 'toc.json');
  paths.markdown = join(dir, 'manuscript.normalized.md');
  writeFileSync(paths.pdf, pdf);
  writeFileSync(paths.tocJson, JSON.stringify(toc, null, 2));
  writeFileSync(paths.markdown, markdown);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const papers = () => volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));

describe('juan check on the real renderer’s output', () => {
  it('passes, having found every paper', async () => {
    const report = await checkBook(paths);
    expect(report.notes, formatCheckTable(report)).toEqual([]);
    expect(report.rows, formatCheckTable(report)).toEqual([]);
    expect(report.ok, formatCheckTable(report)).toBe(true);
    expect(report.papersChecked).toBe(papers().length);
    expect(report.pdfPages).toBe(pageMap.pageCount);
  });

  it('fails when the printed 目录 numbers are shifted by one, with a row per paper', async () => {
    const report = await checkBook({ ...paths, pdf: shiftedPdf });
    expect(report.ok).toBe(false);
    expect(report.rows.map((r) => [r.paper, r.where, Number(r.says!.replace(/\D/g, '')), r.actual])).toEqual(
      papers().map((p) => [p.title, '目录 (PDF)', Number(pageMap.targets[p.id]!.folio) + 1, pageMap.targets[p.id]!.folio]),
    );
  });

  it('fails when the Markdown 目录 gives one paper a wrong page', async () => {
    const paper = papers()[1]!;
    const right = pageMap.targets[paper.id]!.folio;
    const lines = markdown.split('\n');
    const i = lines.findIndex((l) => l.startsWith(paper.title) && l.includes('\t'));
    expect(i).toBeGreaterThan(0);
    lines[i] = lines[i]!.replace(/[^\t]+$/, String(Number(right) + 1));
    const file = join(dir, 'wrong.md');
    writeFileSync(file, lines.join('\n'));
    const report = await checkBook({ ...paths, markdown: file });
    expect(report.ok).toBe(false);
    expect(report.rows).toEqual([{ paper: paper.title, where: 'manuscript.normalized.md', says: String(Number(right) + 1), actual: right }]);
  });
});

describe('post-processing of the real output', () => {
  it('page labels are the page map’s folios; the outline has the 目录 and the 篇', async () => {
    const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
    expect(await doc.getPageLabels()).toEqual(pageMap.pages.map((p) => p.folio));
    const outline = await doc.getOutline();
    expect(outline.map((o) => o.title)).toEqual(['目录', '第一篇 围涂篇']);
    const chapter = outline[1]!.items[0]!;
    expect(chapter.title).toBe('第一章 提高经济发展质量');
    expect(chapter.items.map((i: { title: string }) => i.title)).toEqual(papers().map((p) => p.title));
    await doc.destroy();
  });
});
