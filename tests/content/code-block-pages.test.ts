/**
 * A paper whose body opens with a code block about a page long (39 lines, found by a generated
 * stress manuscript; 40 and more broke inside the block as they should). With the title kept with
 * what follows (break-after: avoid) the block went to the page area's fourth column, past the type
 * area, and the build failed with 「… 个字排到了版心之外」; with the title no longer kept with it
 * (print.css: a paper's header always opens its page) the title stood alone on its page and the
 * block began on the next. Its last line fitted, the padding below it did not: now the space
 * below a listing is margin (content.css), which a break drops, and the block starts under the
 * title. With the padding back, the title is alone on its page again.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pageLines, readPdf, squeeze } from '../print/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'tests', '.out', 'code-block-pages');
const LINES = 39;
const filler = '这一段文字只用来把下面的内容推到页面的不同位置，内容本身没有意义，请编辑忽略。';

let pages: string[][];

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const code = Array.from({ length: LINES }, (_, k) => `function f${k}(a, b) { if (a > b) { return a; } return b + ${k}; } // 注释${k}`);
  writeFileSync(join(OUT, 'code.md'), ['---', 'title: 代码块测试', 'date: 2024-05', '---', '', '# 代码在前的论文', '', '```js', ...code, '', '', '```', '', filler.repeat(12), '', filler.repeat(12), ''].join('\n'));
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'code.md'), out: join(OUT, 'dist'), cache: false, epub: false });
  pages = (await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')))).map((p) => pageLines(p).map(squeeze));
}, 600_000);

describe('a code block longer than the rest of its page', () => {
  it('is printed, every line once', () => {
    for (let k = 0; k < LINES; k++) expect(pages.flat().filter((l) => l.startsWith(`functionf${k}(`)).length, `f${k}`).toBe(1);
  });

  it("starts under the title, on the title's page", () => {
    const title = pages.findIndex((p) => p.includes('代码在前的论文'));
    expect(title).toBeGreaterThanOrEqual(0);
    expect(pages.findIndex((p) => p.some((l) => l.startsWith('functionf0(')))).toBe(title);
  });

  it('leaves out the blank lines before the closing fence (one went alone to the next page, an empty box)', () => {
    const html = readFileSync(join(OUT, 'dist', 'print.html'), 'utf8');
    expect(html).toContain(`注释${LINES - 1}</span></code></pre>`);
  });
});
