/**
 * `juan check` on a small book printed by Chromium (tests/fixtures/check/book.ts): it passes on
 * the consistent outputs and fails — with the right rows — on a 目录 shifted by one, a wrong
 * toc.json page and a wrong page in manuscript.normalized.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBook, formatCheckTable, type CheckReport } from '../../pipeline/check/index.ts';
import { itemsToLines } from '../../pipeline/check/pdf-text.ts';
import { trailingNumber } from '../../pipeline/check/text.ts';
import { postprocessPdf } from '../support/postprocess.ts';
import { JuanError } from '../../pipeline/report/errors.ts';
import type { PageMap } from '../../pipeline/model/types.ts';
import {
  LAYOUT, PAPERS, fixtureVolume, launchBrowser, normalizedMarkdown, renderFixturePdf, tocJson, type NumberStyle,
} from '../fixtures/check/book.ts';

const TRIM = { width: 185, height: 260 };
let dir: string;
const pdfs: Record<string, string> = {};
let n = 0;

function write(name: string, content: string | Uint8Array): string {
  const file = join(dir, `${++n}-${name}`);
  writeFileSync(file, content);
  return file;
}

async function finish(raw: Uint8Array, pageMap: PageMap = LAYOUT.pageMap): Promise<Uint8Array> {
  return postprocessPdf(raw, fixtureVolume(), pageMap, { printReady: false, bleedMm: 3, trimMm: TRIM });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juan-check-'));
  const browser = await launchBrowser();
  try {
    const plain = await renderFixturePdf(browser, { style: 'plain' });
    const old = await renderFixturePdf(browser, { style: 'parenthesized' });
    const shifted = await renderFixturePdf(browser, { style: 'plain', tocShift: 1 });
    pdfs.raw = write('raw.pdf', plain);
    pdfs.plain = write('plain.pdf', await finish(plain));
    pdfs.parenthesized = write('paren.pdf', await finish(old));
    pdfs.shifted = write('shifted.pdf', await finish(shifted));
    // Page labels one off from what is printed (a post-processing bug the check must see).
    const wrongLabels: PageMap = {
      ...LAYOUT.pageMap,
      pages: LAYOUT.pageMap.pages.map((p) => (p.section === 'body' ? { ...p, folio: String(Number(p.folio) + 1) } : p)),
    };
    pdfs.wrongLabels = write('labels.pdf', await finish(plain, wrongLabels));
  } finally {
    await browser.close();
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function check(pdf: string, options: { style?: NumberStyle; toc?: Record<string, string>; md?: Record<string, string> } = {}): Promise<CheckReport> {
  return checkBook({
    pdf,
    tocJson: write('toc.json', JSON.stringify(tocJson(options.toc), null, 2)),
    markdown: write('manuscript.normalized.md', normalizedMarkdown({ style: options.style, override: options.md })),
  });
}

const folio = (id: string) => LAYOUT.pageMap.targets[id]!.folio;
const title = (id: string) => PAPERS.find((p) => p.id === id)!.title;

describe('passes on a consistent book', () => {
  it('plain numbers', async () => {
    const report = await check(pdfs.plain!);
    expect(report.rows).toEqual([]);
    expect(report.notes).toEqual([]);
    expect(report).toMatchObject({ ok: true, pdfPages: 19, papersChecked: 5 });
    expect(formatCheckTable(report)).toContain('目录核对通过：5 篇论文');
  });

  it('the old edition’s (01) style, in the PDF and in the Markdown', async () => {
    const report = await check(pdfs.parenthesized!, { style: 'parenthesized' });
    expect(report.rows).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('without page labels it still reads the printed folios, and says the labels are missing', async () => {
    const report = await check(pdfs.raw!);
    expect(report.rows).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.notes.join('\n')).toContain('没有页码标签');
  });
});

describe('fails on a wrong 目录', () => {
  it('(a) a PDF whose 目录 numbers are shifted by one: a row for every paper', async () => {
    const report = await check(pdfs.shifted!);
    expect(report.ok).toBe(false);
    expect(report.rows).toEqual(
      PAPERS.map((p) => ({ paper: p.title, where: '目录 (PDF)', says: String(Number(folio(p.id)) + 1), actual: folio(p.id) })),
    );
    const table = formatCheckTable(report);
    expect(table).toContain('目录核对未通过：5 处');
    expect(table).toMatch(/论文\s+│ 出处\s+│ 目录所写 │ 实际页码/);
    expect(table).toMatch(/慈溪农村改革40年的回顾与启示\s+│ 目录 \(PDF\)\s+│ 14\s+│ 13/);
  });

  it('(b) a toc.json with one wrong page', async () => {
    const report = await check(pdfs.plain!, { toc: { 'p03-cccccc': '9' } });
    expect(report.ok).toBe(false);
    expect(report.rows).toEqual([{ paper: title('p03-cccccc'), where: 'toc.json', says: '9', actual: '8' }]);
  });

  it('(c) a manuscript.normalized.md with one wrong page', async () => {
    const report = await check(pdfs.parenthesized!, { style: 'parenthesized', md: { 'p04-dddddd': '(14)' } });
    expect(report.ok).toBe(false);
    expect(report.rows).toEqual([{ paper: title('p04-dddddd'), where: 'manuscript.normalized.md', says: '(14)', actual: '13' }]);
  });

  it('a paper the Markdown 目录 does not list', async () => {
    const md = normalizedMarkdown().split('\n').filter((l) => !l.startsWith(title('p05-eeeeee'))).join('\n');
    const report = await checkBook({ pdf: pdfs.plain!, tocJson: write('toc.json', JSON.stringify(tocJson())), markdown: write('m.md', md) });
    expect(report.rows).toEqual([{ paper: title('p05-eeeeee'), where: 'manuscript.normalized.md', says: null, actual: '15' }]);
  });

  it('page labels that differ from the printed folios', async () => {
    const report = await check(pdfs.wrongLabels!);
    expect(report.ok).toBe(false);
    expect(report.rows).toEqual([]);
    expect(report.notes.some((note) => note.includes('页脚印的是 3，页码标签却是 4'))).toBe(true);
  });

  it('a paper that is not in the PDF at all', async () => {
    const entries = tocJson();
    entries.push({ kind: 'paper', id: 'p06-ffffff', part: 'part-2', chapter: null, title: '关于政协提案办理协商的实践和思考', page: '16' });
    const report = await checkBook({ pdf: pdfs.plain!, tocJson: write('toc.json', JSON.stringify(entries)), markdown: write('m.md', normalizedMarkdown()) });
    expect(report.ok).toBe(false);
    expect(report.notes.join('\n')).toContain('找不到论文「关于政协提案办理协商的实践和思考」的首页');
  });
});

describe('inputs', () => {
  it('a missing file is a usage error naming the path, with a hint to build first', async () => {
    const missing = join(dir, 'nope', 'book.pdf');
    const err = await checkBook({ pdf: missing, tocJson: missing, markdown: missing }).catch((e) => e);
    expect(err).toBeInstanceOf(JuanError);
    expect(err.kind).toBe('usage');
    expect(err.file).toBe(missing);
    expect(err.message).toContain(missing);
    expect(err.hint).toContain('先运行 npx juan build');
  });

  it('a file that is not a PDF is a content error', async () => {
    const err = await check(write('bad.pdf', 'not a pdf')).catch((e) => e);
    expect(err).toBeInstanceOf(JuanError);
    expect(err.kind).toBe('content');
  });

  it('a Markdown without a 目录 section is a content error', async () => {
    const err = await checkBook({ pdf: pdfs.plain!, tocJson: write('toc.json', JSON.stringify(tocJson())), markdown: write('m.md', '# 正文\n') }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'content' });
  });
});

describe('reading 目录 lines', () => {
  it.each([
    ['科技创新与高质量发展 市科技局 6', '6'],
    ['以区域协同创新推动环创中心高质量发展..... 市环创中心 (01)', '(01)'],
    ['关于搭建58044农事服务平台的调研与思考 …… 市农合联执委会 （92）', '（92）'],
    ['构建现代农业体系加快农业高质量发展的调研报告......63', '63'],
    ['慈溪农村改革40', null],
    ['——我市科技创新的成效、经验与思考', null],
  ])('%s → %s', (line, expected) => {
    expect(trailingNumber(line)).toBe(expected);
  });

  it('joins single-glyph items on a baseline, with a space only at wide gaps', () => {
    const items = [...'目录'].map((str, i) => ({ str, x: 100 + i * 18, y: 600, width: 18, size: 18 }));
    const entry = [...'科技创新'].map((str, i) => ({ str, x: 60 + i * 10.5, y: 500.2, width: 10.5, size: 10.5 }));
    entry.push({ str: '6', x: 400, y: 500, width: 5, size: 10.5 });
    expect(itemsToLines([...entry, ...items], 700).map((l) => l.text)).toEqual(['目录', '科技创新 6']);
  });
});
