/**
 * PDF post-processing on a small book printed by Chromium (tests/fixtures/check/book.ts), read
 * back the way viewers and printers read it: pdfjs-dist (labels, outline, metadata), pdf-lib
 * (catalog), `pdfinfo -box` (boxes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { postprocessPdf } from '../support/postprocess.ts';
import { labelRanges } from '../../pipeline/render/print/pdf/page-labels.ts';
import { JuanError } from '../../pipeline/report/errors.ts';
import { SLUG_MM } from '../../pipeline/render/print/page-css.ts';
import type { PageMap } from '../../pipeline/model/types.ts';
import { LAYOUT, PAPERS, PARTS, fixtureVolume, launchBrowser, renderFixturePdf } from '../fixtures/check/book.ts';

const TRIM = { width: 185, height: 260 };
let raw: Uint8Array;
let rawBleed: Uint8Array;
let out: Uint8Array;
let outBleed: Uint8Array;
let dir: string;

beforeAll(async () => {
  const browser = await launchBrowser();
  try {
    raw = await renderFixturePdf(browser);
    rawBleed = await renderFixturePdf(browser, { bleedMm: 3 + SLUG_MM }); // the page as Paged.js prints it: bleed + slug
  } finally {
    await browser.close();
  }
  out = await postprocessPdf(raw, fixtureVolume(), LAYOUT.pageMap, { printReady: false, bleedMm: 3, trimMm: TRIM });
  outBleed = await postprocessPdf(rawBleed, fixtureVolume(), LAYOUT.pageMap, { printReady: true, bleedMm: 3, trimMm: TRIM });
  dir = mkdtempSync(join(tmpdir(), 'juan-pp-'));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(pdf: Uint8Array) {
  return getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
}

/** `pdfinfo -box` of page 1 as { MediaBox: [x0,y0,x1,y1], … }. */
function boxes(pdf: Uint8Array, name: string): Record<string, number[]> {
  const file = join(dir, name);
  writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', ['-box', file], { encoding: 'utf8' });
  const result: Record<string, number[]> = {};
  for (const m of info.matchAll(/^(\w+Box):\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/gm)) {
    result[m[1]!] = [m[2], m[3], m[4], m[5]].map(Number);
  }
  return result;
}

describe('page labels', () => {
  it('show i, ii, … for the front matter and the printed folio from the first body page on', async () => {
    const doc = await open(out);
    const labels = await doc.getPageLabels();
    await doc.destroy();
    expect(labels).toEqual(LAYOUT.pageMap.pages.map((p) => p.folio));
    expect(labels!.slice(0, 6)).toEqual(['i', 'ii', 'iii', 'iv', '1', '2']);
    expect(labels![LAYOUT.pageMap.targets['p05-eeeeee']!.page - 1]).toBe('15');
  });

  it('use one range per numbering run, restarting where the folios do', () => {
    const map: PageMap = {
      ...LAYOUT.pageMap,
      pages: ['i', 'ii', '1', '2', '3', '7', '8', 'A-1'].map((folio, i) => ({ page: i + 1, folio, printed: true, section: i < 2 ? 'front' : 'body', blank: false })),
    };
    expect(labelRanges(map)).toEqual([
      { index: 0, style: { kind: 'r', value: 1 } },
      { index: 2, style: { kind: 'D', value: 1 } },
      { index: 5, style: { kind: 'D', value: 7 } },
      { index: 7, style: { kind: 'P', prefix: 'A-1' } },
    ]);
  });
});

describe('outline', () => {
  it('nests 篇 → 章 → paper, papers of a part without 章 directly under the 篇, after a 目录 entry', async () => {
    const doc = await open(out);
    const outline = await doc.getOutline();
    const tree = (items: typeof outline): unknown => items.map((i) => (i.items.length ? { [i.title]: tree(i.items) } : i.title));
    expect(tree(outline)).toEqual([
      '目录',
      {
        '第一篇 围涂篇': [
          { '第一章 提高经济发展质量': PARTS[0]!.chapters[0]!.papers.map((p) => p.title) },
          { '第二章 打造高水平产业平台': PARTS[0]!.chapters[1]!.papers.map((p) => p.title) },
        ],
      },
      { '第二篇 河网篇': PARTS[1]!.chapters[0]!.papers.map((p) => p.title) },
    ]);
    await doc.destroy();
  });

  it('sends every bookmark to the physical page the page map gives', async () => {
    const doc = await open(out);
    const flat: Array<{ title: string; dest: unknown }> = [];
    const walk = (items: Awaited<ReturnType<typeof doc.getOutline>>) => items.forEach((i) => { flat.push({ title: i.title, dest: i.dest }); walk(i.items); });
    walk(await doc.getOutline());
    const pageOf = async (dest: unknown) => 1 + (await doc.getPageIndex((dest as [{ num: number; gen: number }])[0]));
    const { targets } = LAYOUT.pageMap;
    const expected: Record<string, number> = { '目录': targets['toc']!.page, '第一篇 围涂篇': targets['part-1']!.page, '第二篇 河网篇': targets['part-2']!.page, '第二章 打造高水平产业平台': targets['part-1-ch-2']!.page };
    for (const p of PAPERS) expected[p.title] = targets[p.id]!.page;
    for (const [title, page] of Object.entries(expected)) {
      const item = flat.find((f) => f.title === title);
      expect(item, title).toBeDefined();
      expect(await pageOf(item!.dest), title).toBe(page);
    }
    await doc.destroy();
  });
});

describe('metadata', () => {
  it('sets title, author, subject, keywords, creator, language and dates from book.yaml', async () => {
    const doc = await open(out);
    const info = (await doc.getMetadata()).info as unknown as Record<string, unknown>;
    await doc.destroy();
    expect(info.Title).toBe('“八八战略”慈溪实践——改革开放 40 周年、撤县设市 30 周年');
    expect(info.Author).toBe('宁波市社会科学院、中共慈溪市委宣传部、慈溪市社会科学界联合会');
    expect(info.Subject).toBe('慈溪市纪念改革开放 40 周年论文集');
    expect(info.Keywords).toBe('八八战略; 慈溪; 高质量发展');
    expect(info.Creator).toBe('juan');
    expect(info.Producer).toMatch(/^juan/);
    expect(info.Language).toBe('zh-CN');
    expect(info.CreationDate).toMatch(/^D:20181001000000/);
    expect(info.ModDate).toMatch(/^D:20181001000000/);
  });

  it('writes /Lang in the catalog and opens with the outline shown', async () => {
    const doc = await PDFDocument.load(out);
    expect((doc.catalog.get(PDFName.of('Lang')) as PDFString).decodeText()).toBe('zh-CN');
    expect(doc.catalog.get(PDFName.of('PageMode'))).toBe(PDFName.of('UseOutlines'));
  });

  it('is reproducible: the same input gives the same bytes', async () => {
    const again = await postprocessPdf(raw, fixtureVolume(), LAYOUT.pageMap, { printReady: false, bleedMm: 3, trimMm: TRIM });
    expect(Buffer.compare(Buffer.from(again), Buffer.from(out))).toBe(0);
  });
});

describe('page boxes', () => {
  it('TrimBox = MediaBox = 185×260 mm without print-ready', () => {
    const b = boxes(out, 'plain.pdf');
    expect(b.TrimBox).toEqual([0, 0, 524.41, 737.01]);
    expect(b.MediaBox).toEqual(b.TrimBox);
    expect(b.BleedBox).toEqual(b.TrimBox);
  });

  it('with print-ready the page is trim + 2×(3 mm bleed + 10 mm slug): MediaBox > BleedBox > TrimBox', () => {
    const b = boxes(outBleed, 'bleed.pdf');
    expect(b.MediaBox).toEqual([0, 0, 598.11, 810.71]);
    expect(b.BleedBox).toEqual([28.35, 28.35, 569.76, 782.36]);
    expect(b.TrimBox).toEqual([36.85, 36.85, 561.26, 773.86]);
    const [x0, y0, x1, y1] = b.TrimBox!;
    expect(x1! - x0!).toBeCloseTo(524.41, 1);
    expect(y1! - y0!).toBeCloseTo(737.01, 1);
  });

  it('every page gets the boxes', async () => {
    const doc = await PDFDocument.load(outBleed);
    for (const page of doc.getPages()) {
      expect(page.getTrimBox().width).toBeCloseTo(524.41, 1);
      expect(page.getBleedBox().width).toBeCloseTo(541.42, 1);
    }
  });
});

describe('refuses inconsistent input', () => {
  it('a page map with another page count', async () => {
    const map = { ...LAYOUT.pageMap, pages: LAYOUT.pageMap.pages.slice(1) };
    await expect(postprocessPdf(raw, fixtureVolume(), map, { printReady: false, bleedMm: 3, trimMm: TRIM })).rejects.toMatchObject({ kind: 'render' });
  });

  it('pages printed at a size other than the trim (+ bleed + slug)', async () => {
    const err = await postprocessPdf(raw, fixtureVolume(), LAYOUT.pageMap, { printReady: true, bleedMm: 3, trimMm: TRIM }).catch((e) => e);
    expect(err).toBeInstanceOf(JuanError);
    expect(err.kind).toBe('render');
    expect(err.message).toContain('598.11') // trim + 2×(bleed + slug);
  });

  it('a paper the page map does not place', async () => {
    const targets = { ...LAYOUT.pageMap.targets };
    delete targets['p03-cccccc'];
    await expect(postprocessPdf(raw, fixtureVolume(), { ...LAYOUT.pageMap, targets }, { printReady: false, bleedMm: 3, trimMm: TRIM })).rejects.toMatchObject({ kind: 'render' });
  });
});
