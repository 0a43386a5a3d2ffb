/**
 * A figure that fits where it is stays there (content-handlers.js RenderNodeFigureFloat), even
 * when Paged.js renders it while it is still filling the page before: it adds blocks past the end
 * of a page before it measures (how many: paged-handlers.js BeforePageLayoutCharsPerPage), and a
 * figure rendered there is in the next column, where it "does not fit" — it was moved after the
 * next paragraph, which then came above a figure that had room (the 1× content bench volume: 图1
 * under a formula on page 85, three more).
 *
 * Each paper: a page of text, a spacer of a different length, a table of 25 short rows (few
 * characters: Paged.js measures late), a one-line paragraph, the figure, a paragraph after it. The
 * table splits in most papers; where its last part and the line leave room on the next page, the
 * figure must follow them there. (Without the fix the figure came after 「图后一段」 in four papers.)
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pageLines, readPdf, squeeze } from '../print/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'figure-in-place');
const PAPERS = 8;

const FILL = '版面上每一页能排多少字，取决于字号、行距和版心的大小，也取决于页上有没有表格、公式和插图。'.repeat(5);
const tag = (k: number) => `第${'甲乙丙丁戊己庚辛'[k]}篇`;
const paper = (k: number) => {
  const rows = Array.from({ length: 24 }, (_, r) => `| ${r + 1} | ${(r * 7) % 10} | ${(r * 3) % 10} |`);
  return [
    `# ${tag(k)}：插图的位置`, '', '样稿研究所', '',
    ...Array.from({ length: 4 }, () => [FILL, '']).flat(),
    `${tag(k)}补白。${'补白文字'.repeat(1 + 30 * k)}`, '',
    `表1 ${tag(k)}数字表`, '', '| 序号 | 甲 | 乙 |', '|---:|---:|---:|', ...rows, `| ${tag(k)}合计 | 0 | 0 |`, '',
    `${tag(k)}各行数字见图1。`, '',
    `![图1 ${tag(k)}柱状图](图/产值.png)`, '',
    `${tag(k)}图后一段，说明插图之后的内容。`, '',
  ].join('\n');
};

let lines: string[][];
const pagesWith = (s: string) => lines.map((l, i) => (squeeze(l.join('')).includes(squeeze(s)) ? i + 1 : 0)).filter(Boolean);
/** The line of page `page` (top to bottom) where text `s` ends (it may break across lines). */
const lineOf = (page: number, s: string) => {
  const all = lines[page - 1]!;
  return all.findIndex((_, i) => squeeze(all.slice(0, i + 1).join('')).includes(s));
};

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'src', '图'), { recursive: true });
  cpSync(join(ROOT, 'tests', 'fixtures', 'content', '图', '产值.png'), join(OUT, 'src', '图', '产值.png'));
  writeFileSync(join(OUT, 'src', 'book.yaml'), 'title: 插图位置检验\nidentifier: urn:uuid:7c2d4e6f-8a9b-4c0d-9e1f-2a3b4c5d6e7f\ndate: 2026-12\n');
  writeFileSync(join(OUT, 'src', '稿.md'), Array.from({ length: PAPERS }, (_, k) => paper(k)).join('\n'));
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'src', '稿.md'), out: join(OUT, 'dist') });
  lines = (await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')))).map(pageLines);
}, 600_000);

describe('a figure that fits under the paragraph before it', () => {
  /** Papers whose table is split and leaves at most 12 lines on the next page: the figure (~19 lines with its caption) has room under them. */
  const roomy = () =>
    Array.from({ length: PAPERS }, (_, k) => k).filter((k) => {
      const end = pagesWith(`${tag(k)}合计`)[0]!;
      if (pagesWith(`表1${tag(k)}数字表`)[0]! >= end) return false;
      // the page's first line is its running head
      const tail = lineOf(end, `${tag(k)}各行数字见图1`);
      return tail >= 1 && tail <= 12;
    });

  it('in several papers the table is split and leaves a short tail (what the test is about)', () => {
    expect(roomy().length).toBeGreaterThanOrEqual(3);
  });

  it('follows the table’s last part on the next page, above the paragraph after it', () => {
    for (const k of roomy()) {
      const end = pagesWith(`${tag(k)}合计`)[0]!;
      expect(pagesWith(`图1${tag(k)}柱状图`)[0], `${tag(k)}: 图1 is on the page where the table before it ends`).toBe(end);
      expect(lineOf(end, `${tag(k)}柱状图`)).toBeGreaterThan(lineOf(end, `${tag(k)}各行数字见图1`));
      expect(lineOf(end, `${tag(k)}柱状图`), `${tag(k)}: the paragraph after the figure is below it`).toBeLessThan(lineOf(end, `${tag(k)}图后一段`));
    }
  });
});
