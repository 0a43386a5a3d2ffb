/**
 * `juan check` on papers that share a title (issue 13): the k-th 目录 line and the k-th first page
 * with that title belong to the k-th such paper — matched by order, not by title alone.
 * Synthetic page text (what pdf-text.ts extracts), so the case is exact.
 */
import { describe, expect, it } from 'vitest';
import { checkPdfText, type CheckPaper, type MarkdownTocEntry } from '../../pipeline/check/index.ts';
import type { PageText, PdfText } from '../../pipeline/check/pdf-text.ts';

const H = 740;
const line = (text: string, top: number, size = 10.5) => ({ text, x: 60, right: 60 + text.length * size, top, size });
const page = (n: number, lines: PageText['lines']): PageText => ({ page: n, width: 520, height: H, lines });

/** 扉页 · 目录 (ii) · body pages 1–4: 「调查报告」 twice (pp. 1 and 3), then 「结语」 (p. 4). */
function book(tocNumbers: [string, string, string]): PdfText {
  return {
    labels: ['i', 'ii', '1', '2', '3', '4'],
    pages: [
      page(1, [line('书名', 200, 26)]),
      page(2, [line('目录', 60, 16), line(`调查报告 市甲局 ${tocNumbers[0]}`, 100), line(`调查报告 市乙局 ${tocNumbers[1]}`, 120), line(`结语 ${tocNumbers[2]}`, 140), line('ii', 700)]),
      page(3, [line('调查报告', 80, 18), line('正文第一段。', 120), line('1', 700)]),
      page(4, [line('调查报告', 30, 9), line('正文第二页。', 120), line('2', 700)]),
      page(5, [line('调查报告', 80, 18), line('另一篇的正文。', 120), line('3', 700)]),
      page(6, [line('结语', 80, 18), line('最后。', 120), line('4', 700)]),
    ],
  };
}

const papers = (pages: [string, string, string]): CheckPaper[] => [
  { id: 'p01', title: '调查报告', page: pages[0] },
  { id: 'p02', title: '调查报告', page: pages[1] },
  { id: 'p03', title: '结语', page: pages[2] },
];
const md = (pages: [string, string, string]): MarkdownTocEntry[] => [
  { title: '调查报告', page: pages[0], line: 5 },
  { title: '调查报告', page: pages[1], line: 6 },
  { title: '结语', page: pages[2], line: 7 },
];

describe('repeated titles', () => {
  it('passes when the 目录, toc.json and the Markdown give each of the two papers its own page', () => {
    const report = checkPdfText(book(['1', '3', '4']), papers(['1', '3', '4']), md(['1', '3', '4']));
    expect(report.rows).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('fails when the two lines are swapped, naming the paper in each source', () => {
    const report = checkPdfText(book(['3', '1', '4']), papers(['3', '1', '4']), md(['3', '1', '4']));
    expect(report.ok).toBe(false);
    expect(report.rows.filter((r) => r.where === '目录 (PDF)').map((r) => [r.says, r.actual])).toEqual([['3', '1'], ['1', '3']]);
    expect(report.rows.filter((r) => r.where === 'toc.json')).toHaveLength(2);
    expect(report.rows.filter((r) => r.where === 'manuscript.normalized.md')).toHaveLength(2);
  });
});
