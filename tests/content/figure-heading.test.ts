/**
 * A figure that floats (content-handlers.js RenderNodeFigureFloat) never moves past the next
 * heading: the text of its own section may fill the page before it, the next section may not.
 * Two papers laid out alike (each opens a page, same title length, same text): in the first the
 * line after the figure's paragraph is a heading `## 二、下一节`; in the second the same words are a
 * plain paragraph. The figure does not fit either page. In the second paper the text after it flows
 * up and fills the page (the control: the float is active here); in the first it stops at the
 * heading — the figure opens the next page, the heading and its section follow it there, and the
 * rest of the page before stays empty (a hole, the price of keeping the section whole).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pageLines, readPdf, squeeze, type PdfPage } from '../print/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'figure-heading');

// about 20 lines of body text: with the title block the figure (16:9 across the measure, ~13 lines) no longer fits
const FILL = '插图在版面上的位置由排版程序决定，作者把插图放在第一次提到它的段落之后，本页放得下就紧跟这一段，放不下就移到下一页的顶端。'.repeat(6);
const paper = (title: string, head: string) =>
  [`# ${title}`, '', '样稿研究所', '', `## 一、${title.slice(0, 2)}插图`, '', FILL, '', `图1为${title.slice(0, 2)}柱状图。`, '', `![图1 ${title.slice(0, 2)}产值柱状图](图/产值.png)`, '', `${title.slice(0, 2)}图后短段。`, '', head, '', `${title.slice(0, 2)}下一节正文第一段，说明插图之后的内容。`.repeat(3), '', `${title.slice(0, 2)}下一节正文第二段。`.repeat(4), ''].join('\n');

let pages: PdfPage[];
let lines: string[][];
const pagesWith = (s: string) => lines.map((l, i) => (squeeze(l.join('')).includes(squeeze(s)) ? i + 1 : 0)).filter(Boolean);
const yOf = (page: number, s: string) => pages[page - 1]!.items.find((i) => squeeze(i.str).includes(squeeze(s)))!.y;

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'src', '图'), { recursive: true });
  cpSync(join(ROOT, 'tests', 'fixtures', 'content', '图', '产值.png'), join(OUT, 'src', '图', '产值.png'));
  const text = [paper('甲篇：图不越过标题', '## 二、下一节'), paper('乙篇：图越过段落', '二、下一节不是标题。')].join('\n');
  writeFileSync(join(OUT, 'src', 'book.yaml'), 'title: 插图浮动检验\nidentifier: urn:uuid:5f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b\ndate: 2026-11\n');
  writeFileSync(join(OUT, 'src', '稿.md'), text);
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'src', '稿.md'), out: join(OUT, 'dist') });
  pages = await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')));
  lines = pages.map(pageLines);
}, 600_000);

describe('a floated figure and the next heading', () => {
  it('control: without a heading, the text after the figure fills the page before it', () => {
    const [fig] = pagesWith('图1乙篇产值柱状图');
    expect(fig).toBeDefined();
    expect(pagesWith('乙篇图后短段')[0]).toBe(fig! - 1);
    expect(pagesWith('二、下一节不是标题')[0]).toBe(fig! - 1);
    expect(pagesWith('乙篇下一节正文第一段')[0]).toBe(fig! - 1);
  });
  it('with a heading, the figure flows past its own section’s text only: the heading and its section follow it', () => {
    const [fig] = pagesWith('图1甲篇产值柱状图');
    expect(fig).toBeDefined();
    // its own section's short paragraph went before it, on the page before
    expect(pagesWith('甲篇图后短段')[0]).toBe(fig! - 1);
    // the next section did not: its heading is on the figure's page, under the caption
    const heading = lines[fig! - 1]!.map(squeeze).findIndex((l) => l === '二、下一节');
    expect(heading, lines[fig! - 1]!.join('\n')).toBeGreaterThanOrEqual(0);
    expect(yOf(fig!, '二、下一节')).toBeGreaterThan(yOf(fig!, '甲篇产值柱状图'));
    expect(pagesWith('甲篇下一节正文第一段')[0]).toBe(fig);
    expect(lines[fig! - 2]!.map(squeeze).some((l) => l.includes('二、下一节'))).toBe(false);
  });
});
