/**
 * The note under a table (「注：…」, p.table-note, break-before: avoid) that does not fit the rest
 * of the page: Paged.js kept it with the table by moving the whole table to the next page — for
 * a table that opens the page, the continuation of a split table above all, that left the page
 * blank and the continuation started over from the table's first row (the bench's content volume
 * printed 13 rows twice around an empty page). content-handlers.js `noteWithRows` lets the note
 * take the table's last two rows along instead. Here 35 papers each hold one table of 50…84 rows
 * and its note, so that one of them ends exactly at a page foot whatever the page's height; without
 * the handler this test fails (29 rows printed twice, a blank page).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pageLines, readPdf, squeeze } from '../print/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'table-note');
const ROWS = Array.from({ length: 35 }, (_, k) => 50 + k);

function manuscript(): string {
  const parts = ['---', 'title: 表注测试', 'date: 2024-05', '---', ''];
  ROWS.forEach((rows, i) => {
    const t = i + 1;
    parts.push(`# 第${t}篇`, '', `表${t}　第${t}张测试表`, '', '| 项目 | 数量 | 比重（%） |', '|---|---:|---:|');
    for (let k = 1; k <= rows; k++) parts.push(`| 表${t}行${k} | ${100 + k} | ${(k * 1.5).toFixed(1)} |`);
    parts.push('', `注：表${t}的数据为虚构。`, '', '表后的一段话。', '');
  });
  return parts.join('\n');
}

let pages: string[][];
let bodyPages: number[];

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'notes.md'), manuscript());
  const result = await runBuild({ cwd: ROOT, manuscript: join(OUT, 'notes.md'), out: join(OUT, 'dist'), cache: false, epub: false });
  pages = (await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')))).map((p) => pageLines(p).map(squeeze));
  // no parts: no paper starts on a recto, so no page of the body is left blank on purpose
  bodyPages = result.pageMap.pages.filter((p) => p.section === 'body').map((p) => p.page);
}, 600_000);

/** The body rows of table t on a page (a row line starts with 「表t行k」 and goes on with its number cell). */
const rowsOf = (page: string[], t: number) => page.filter((l) => new RegExp(`^表${t}行\\d+1\\d\\d`).test(l));

describe('the note under a table', () => {
  it('prints every row once', () => {
    const twice: string[] = [];
    const missing: string[] = [];
    ROWS.forEach((rows, i) => {
      for (let k = 1; k <= rows; k++) {
        const n = pages.flat().filter((l) => l.startsWith(`表${i + 1}行${k}${100 + k}`)).length;
        if (n > 1) twice.push(`表${i + 1}行${k}`);
        if (n === 0) missing.push(`表${i + 1}行${k}`);
      }
    });
    expect(twice).toEqual([]);
    expect(missing).toEqual([]);
  });

  it('leaves no page of the body empty', () => {
    // a page with nothing but its running head and folio
    const empty = bodyPages.filter((page) => pages[page - 1]!.every((l) => /^\d+$/.test(l) || /^第\d+篇$/.test(l) || l === '表注测试'));
    expect(bodyPages.length).toBeGreaterThan(ROWS.length);
    expect(empty).toEqual([]);
  });

  it('is on a page with at least two rows of its table', () => {
    const alone: string[] = [];
    pages.forEach((page, i) => {
      for (const line of page) {
        const m = /^注：表(\d+)的数据为虚构。$/.exec(line);
        if (m && rowsOf(page, Number(m[1])).length < 2) alone.push(`注 of 表${m[1]} on page ${i + 1}`);
      }
    });
    expect(pages.flat().filter((l) => l.startsWith('注：表')).length).toBe(ROWS.length);
    expect(alone).toEqual([]);
  });
});
