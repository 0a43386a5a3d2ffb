/**
 * A paragraph whose text repeats (one sentence written 120 times; a run of 「……」 as a form's blank)
 * across several pages: Paged.js found where a page's piece of a text node starts in the source by
 * `indexOf`, which finds the first occurrence, and the next page printed again what the page
 * before had (713 characters twice in the chunked-build test's grown paper). paged-handlers.js
 * `OnBreakTokenSuffixOffset` puts the break where the piece really is; the layout's text check
 * (layout-tab.ts) fails a build that prints text twice. Without the handler the build fails here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pageLines, readPdf } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'repeated-text');
const SENTENCE = '这是编辑在校对时补充的一段很长的文字，用来让这篇论文多出几页。';
const TIMES = 120; // four pages: the bug needs a third page of the paragraph
const DOTS = 3000; // 「…」 characters: three pages of them

let text: string;

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const manuscript = ['---', 'title: 重复文字测试', 'date: 2024-05', '---', '', '# 重复的段落', '', '第一段。', '', SENTENCE.repeat(TIMES), '', '填写栏：' + '…'.repeat(DOTS), '', '最后一段。', ''];
  writeFileSync(join(OUT, 'repeated.md'), manuscript.join('\n'));
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'repeated.md'), out: join(OUT, 'dist'), cache: false, epub: false });
  text = (await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')))).flatMap((p) => pageLines(p)).join('').replace(/\s+/g, '');
}, 600_000);

describe('a paragraph that repeats itself across pages', () => {
  it('prints the repeated sentence as often as it is written', () => {
    // counted by characters of the sentence found nowhere else (a page break with its running head may fall inside the sentence)
    for (const c of '校补篇') expect([...text].filter((x) => x === c).length, c).toBe(TIMES);
    expect(text).toContain('第一段。');
    expect(text).toContain('最后一段。');
  });

  it('prints a long run of 「…」 once', () => {
    expect([...text].filter((c) => c === '…').length).toBe(DOTS);
  });
});
