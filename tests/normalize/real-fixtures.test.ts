/**
 * The rules on the corpus of real manuscripts (tests/fixtures/real): every change was audited once and is
 * kept in real-expected.json — a rule that adds or drops a change fails here until the list is updated on
 * purpose. And on every fixture: untouched paragraphs byte-identical, code/math/URLs intact, no paragraph
 * lost, normalize(normalize(x)) = normalize(x), and an old page break cut into real prose is joined back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paragraph, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { roleOf } from '../../pipeline/normalize/text.ts';
import { cleanSource } from '../../pipeline/normalize/hygiene.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import { TITLE_PAGE_LINE } from '../../pipeline/model/build-volume.ts';
import { renormalize, untouchedParagraphs } from './fidelity.ts';
import { changeList, fixtures, readFixture } from './real-corpus.ts';

const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'real-expected.json'), 'utf8'));
const parse = (s: string) => unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).parse(s) as Root;
// as the parser reads it: encoding-hygiene turns radicals copied out of a PDF (⽇, ⻓) into 日, 长
/** Lines of the audited deletions (changeList's `deletions`, `line:col reason`). */
const deletedLines = (result: ReturnType<typeof readFixture>['result']) => new Set(changeList(result).deletions.map((d) => Number(d.split(':')[0])));
/** A block read again from its source without the given lines. */
function withoutLines(n: RootContent, lines: Set<number>): RootContent {
  const { position } = n as Paragraph;
  return { type: 'paragraph', children: [{ type: 'text', value: toString(n).split('\n').filter((_, k) => !lines.has(position!.start.line + k)).join('\n') }], position };
}
/** Whole blocks an audited deletion took out (web-page-chrome removes a site's navigation lists, block by block): their lines. */
function deletedBlocks(result: ReturnType<typeof readFixture>['result'], text: string): Set<number> {
  const starts = new Set(result.file.messages.filter((m) => m.ruleId === 'web-page-chrome' && m.fatal !== false).map((m) => m.line));
  const lines = new Set<number>();
  for (const n of parse(text).children) {
    const { start, end } = (n as Paragraph).position!;
    if (starts.has(start.line)) for (let l = start.line; l <= end.line; l++) lines.add(l);
  }
  return lines;
}
const letters = (s: string) => (cleanSource(s).text.match(/[\p{Script=Han}0-9A-Za-z]/gu) ?? []).join('');

describe.each(fixtures())('real fixture %s', (name) => {
  const { text, result } = readFixture(name);
  const md = volumeToMarkdown(result.volume);
  const deleted = deletedLines(result);
  const deletedBlock = deletedBlocks(result, text);

  it('makes exactly the audited changes', () => {
    expect(expected[name], 'no audited list for this fixture').toBeDefined();
    expect(changeList(result)).toEqual(expected[name]);
  });

  it('writes every paragraph no message points at byte-identical', () => {
    const { checked, missing } = untouchedParagraphs(result, text, md);
    expect(checked.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });

  it('keeps code, math and URLs byte-identical', () => {
    // text a warning says is left out of the book (before the first paper) is not compared
    const warned = new Set(result.file.messages.filter((m) => m.fatal === false).map((m) => m.line));
    // and what an audited deletion took out (real-expected.json: role-markup's d2lbook anchors `:label:`x``)
    const kept = (m: RegExpMatchArray) => !warned.has(text.slice(0, m.index).split('\n').length) && !deleted.has(text.slice(0, m.index).split('\n').length) && !deletedBlock.has(text.slice(0, m.index).split('\n').length);
    const code = [...text.matchAll(/^```[^\n]*\n[\s\S]*?^```/gm)].filter(kept).map((m) => m[0]);
    const inline = [...text.matchAll(/`[^`\n]+`/g)].filter(kept).map((m) => m[0]);
    const math = [...text.matchAll(/\$\$[\s\S]+?\$\$|\$[^$\n]+\$/g)].filter(kept).map((m) => m[0]);
    const urls = [...text.matchAll(/https?:\/\/[^\s)<>"'\]]+/g)].filter(kept).map((m) => m[0]);
    const lost = [...code, ...inline, ...math, ...urls].filter((s) => !md.includes(s));
    expect(lost).toEqual([]);
  });

  it('loses no paragraph (the source 目录 is regenerated; what is left out is named by a warning)', () => {
    const out = letters(toString(parse(md)));
    // front-matter blocks are metadata, never text (issue 13): blank them, keeping the line numbers
    const source = text.replace(/^---\n(?:[A-Za-z_][\w-]*\s*:.*\n|\s+.*\n|\n)*---$/gm, (block) => block.replace(/[^\n]/g, ''));
    const warned = new Set(result.file.messages.filter((m) => m.fatal === false).map((m) => m.line));
    // an organiser or date line before the first paper goes to the title page (build-volume), not the front text
    const firstPaper = result.file.data.papers?.[0]?.node.position?.start.line ?? Infinity;
    const titlePageLine = (n: RootContent) => n.type === 'paragraph' && (n as Paragraph).position!.start.line < firstPaper && TITLE_PAGE_LINE.test(toString(n).trim());
    const tocLines = result.tree.children.filter((n) => roleOf(n) === 'toc').map((n) => { const at = (n as { position?: { start: { line: number }; end: { line: number } } }).position!; return [at.start.line, at.end.line]; });
    const lost = parse(source).children.filter((n) => n.type === 'paragraph' || n.type === 'heading' || n.type === 'list' || n.type === 'blockquote')
      .filter((n) => !warned.has(n.position!.start.line) && !deletedBlock.has(n.position!.start.line) && !titlePageLine(n) && !tocLines.some(([a, b]) => n.position!.start.line >= a! && n.position!.start.line <= b!))
      // a paragraph an audited deletion cut (an anchor line under a formula) is compared without that line
      .map((n) => (deleted.size && [...deleted].some((l) => l >= n.position!.start.line && l <= n.position!.end.line) ? withoutLines(n, deleted) : n))
      .map((n) => letters(toString(n)))
      .filter((l) => l && !out.includes(l));
    expect(lost).toEqual([]);
  });

  it('is idempotent: normalize(normalize(x)) = normalize(x)', () => {
    const { first, second } = renormalize(result);
    expect(second).toBe(first);
  });

  it('joins an old page break cut into its own long prose paragraphs, and only there', () => {
    // cut every third long plain-prose paragraph in the middle of a phrase, the way an OCR does
    const lines = text.split('\n');
    const cutAt: number[] = []; // 1-based line of each first half in the cut text
    let seen = 0;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (!/^[\p{Script=Han}]/u.test(l) || [...l].length < 60 || !/。$/.test(l) || /[[\]*`<$_]/.test(l) || lines[i - 1] !== '' || lines[i + 1] !== '') continue;
      if (seen++ % 3) continue;
      const chars = [...l];
      let k = 30;
      while (k < chars.length - 10 && !(/\p{Script=Han}/u.test(chars[k - 1]) && /\p{Script=Han}/u.test(chars[k]) && !/[。！？]/.test(chars.slice(k - 3, k).join('')))) k++;
      if (k >= chars.length - 10) continue;
      lines[i] = `${chars.slice(0, k).join('')}\n\n${chars.slice(k).join('')}`;
      cutAt.push(i + 1 + 2 * cutAt.length);
    }
    if (!cutAt.length) return; // no long plain prose in this fixture
    const cut = normalizeManuscript({ path: `${name}-cut.md`, text: lines.join('\n') });
    const joins = cut.file.messages.filter((m) => m.ruleId === 'join-page-break-paragraphs' && m.fatal !== false).map((m) => m.line);
    // no join anywhere but at a cut; the cuts of the papers' bodies are joined back
    expect(joins.filter((l) => !cutAt.includes(l!))).toEqual([]);
    expect(joins.length / cutAt.length).toBeGreaterThanOrEqual(0.8);
  });
});
