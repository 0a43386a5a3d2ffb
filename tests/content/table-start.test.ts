/**
 * A table's caption and header never end a page alone (content-handlers.js `tableHead`): the real
 * corpus's statistical communiqué printed 「表1 …」 and its header row at a page foot, the rows on
 * the next page with no 续表 caption. Here one paper holds 24 tables of 8 rows, each after filler
 * text of a different length, so that table starts fall all over the pages, some at the foot; on
 * the page where a caption is printed, at least two of that table's body rows must be too (the
 * rows are told apart by their own text, 「表N行k」). Without the handler this test fails (several
 * captions are alone with their header).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pageLines, readPdf, squeeze } from '../print/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'table-start');
const TABLES = 24;
const ROWS = 8;

function manuscript(): string {
  const filler = '这一段文字只用来把下面的表格推到页面的不同位置，内容本身没有意义，请编辑忽略。';
  const parts = ['---', 'title: 表格起页测试', 'date: 2024-05', '---', '', '# 表格起页测试', ''];
  for (let t = 1; t <= TABLES; t++) {
    // 1…6 paragraphs of growing length: the tables start at ever other heights
    for (let p = 0; p < 1 + (t % 6); p++) parts.push(filler.repeat(1 + ((t * 7 + p * 3) % 5)), '');
    // every fourth table as an HTML page converted to Markdown has it: an empty header row, the column names in the first body row
    const header = t % 4 === 0 ? ['|  |  |  |', '|---|---:|---:|', '| 项目 | 数量 | 比重（%） |'] : ['| 项目 | 数量 | 比重（%） |', '|---|---:|---:|'];
    parts.push(`表${t}　第${t}张测试表`, '', ...header);
    for (let k = 1; k <= ROWS; k++) parts.push(`| 表${t}行${k} | ${100 + k} | ${(k * 1.5).toFixed(1)} |`);
    parts.push('');
  }
  return parts.join('\n');
}

let lines: string[][];
let html: string;

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'tables.md'), manuscript());
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'tables.md'), out: join(OUT, 'dist'), cache: false, epub: false });
  lines = (await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')))).map((p) => pageLines(p).map(squeeze));
  html = readFileSync(join(OUT, 'dist', 'print.html'), 'utf8');
}, 600_000);

describe('the start of a table', () => {
  it('every caption is on a page with at least two of its body rows', () => {
    const alone: string[] = [];
    let captions = 0;
    lines.forEach((page, i) => {
      for (const line of page) {
        const m = /^表(\d+)第\d+张测试表$/.exec(line);
        if (!m) continue;
        captions++;
        const rows = page.filter((l) => l.startsWith(`表${m[1]}行`)).length;
        if (rows < 2) alone.push(`表${m[1]} on page ${i + 1}: ${rows} rows`);
      }
    });
    expect(captions).toBe(TABLES);
    expect(alone).toEqual([]);
  });

  it('marks a header row without text, which content.css prints without a band or header rule', () => {
    expect(html.match(/<tr class="juan-empty-head">/g)?.length).toBe(TABLES / 4);
    expect(html.match(/<thead>\s*<tr>/g)?.length).toBe(TABLES - TABLES / 4);
  });

  it('loses no row and prints none twice', () => {
    for (let t = 1; t <= TABLES; t++)
      for (let k = 1; k <= ROWS; k++) {
        const n = lines.flat().filter((l) => l.startsWith(`表${t}行${k}`)).length;
        expect(n, `表${t}行${k}`).toBe(1);
      }
  });
});
