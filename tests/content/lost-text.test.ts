/**
 * The lost-text check fails when text is lost: 样稿 built without one paragraph, compared with
 * the manuscript that has it. The paragraph (「统计分析：镇（街道）企业产值与增长率。」) is made of
 * characters the layout repeats — the recto running head 区域产业协同发展的统计分析, the header row
 * of 续表1 — so the old check (every Han character in the whole PDF at least as often as
 * written) passes on this PDF by accident; the type-area check with exact counts names the
 * paragraph's characters.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { loadConfig } from '../../pipeline/config/load.ts';
import { cleanSource } from '../../pipeline/normalize/hygiene.ts';
import { pageLines, readPdf, squeeze, type PdfPage } from '../print/helpers.ts';
import { compareHan, hanCounts, repeatedText, typeAreaLines } from '../support/lost-text.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'content');
const OUT = join(ROOT, 'tests', '.out', 'content-dropped');
const DROPPED = '统计分析：镇（街道）企业产值与增长率。';

/** As content-build.test.ts: the 目录's part and chapter headings and the papers, image targets left out. */
function bodySource(manuscript: string): string {
  const lines = manuscript.split('\n');
  const first = lines.findIndex((l, i) => i > lines.findIndex((t) => /^#\s*目\s*录/.test(t)) && /^# /.test(l));
  const toc = lines.slice(0, first).filter((l) => /^#{2,3}\s*第/.test(l));
  return cleanSource([...toc, ...lines.slice(first)].join('\n')).text.replace(/\]\([^)]*\)/g, ']');
}

const original = readFileSync(join(FIXTURE, '样稿.md'), 'utf8');
let pages: PdfPage[];

beforeAll(async () => {
  expect(original).toContain(`\n${DROPPED}\n`);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(FIXTURE, join(OUT, 'src'), { recursive: true });
  writeFileSync(join(OUT, 'src', '样稿.md'), original.replace(`\n${DROPPED}\n`, '\n'));
  await runBuild({ cwd: ROOT, manuscript: join(OUT, 'src', '样稿.md'), out: join(OUT, 'dist') });
  pages = await readPdf(readFileSync(join(OUT, 'dist', 'book.pdf')));
}, 600_000);

describe('the lost-text check on a PDF that dropped a paragraph', () => {
  const check = (source: string) => {
    const lines = pages.map(pageLines);
    const from = lines.findIndex((l) => l.map(squeeze).join('') === '第一篇样稿篇') + 1;
    const body = typeAreaLines(pages, loadConfig(join(FIXTURE, 'book.yaml')).page, from);
    return compareHan(bodySource(source), body.join('\n'), repeatedText(body, readFileSync(join(OUT, 'dist', 'print.html'), 'utf8')));
  };
  it('names exactly the dropped paragraph’s characters as lost', () => {
    const expected = [...hanCounts(DROPPED)].map(([ch, n]) => `${ch}×${n}`).sort();
    const { lost, extra } = check(original);
    expect(lost.sort()).toEqual(expected);
    expect(extra).toEqual([]);
  });
  it('passes against the manuscript that was built (the difference is the paragraph, nothing else)', () => {
    expect(check(original.replace(`\n${DROPPED}\n`, '\n'))).toEqual({ lost: [], extra: [] });
  });
  it('(the old whole-PDF, at-least-as-often check passes on it by accident)', () => {
    const printed = hanCounts(execFileSync('pdftotext', [join(OUT, 'dist', 'book.pdf'), '-'], { encoding: 'utf8' }));
    const lost = [...hanCounts(bodySource(original))].filter(([ch, n]) => (printed.get(ch) ?? 0) < n);
    expect(lost).toEqual([]);
  });
});
