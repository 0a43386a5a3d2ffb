/**
 * The running heads (书眉) — the one place that decides their text.
 *
 * Recto: the paper's title, whole when it fits the head line; otherwise the editor's short
 * form (book.yaml `runningHeads`, keyed by the paper title); otherwise a short form cut at a
 * natural break — before ——, before or after ：, without a trailing bracket pair, at a space —
 * with balanced brackets, never ending on an opening bracket. Verso: the book title (or the
 * editor's short form of it from the same map); it is set by the page CSS before any
 * manuscript is read, so it is not measured.
 *
 * "Fits" is measured, not counted: the head line is as wide as the type area (fontSize ×
 * charsPerLine from book.yaml `page`; Paged.js gives a lone top-center box the whole width,
 * grid columns `0 1fr 0`), the head is set in the body face at the size
 * styles/print.css gives its `@top-center` box, and the title's advance width comes from
 * shaping it with harfbuzz in that face (fonts/shape.ts), as the PDF will set it.
 *
 * Consumers: print/document.ts puts the recto text on each paper section as
 * `data-running-title`, which print.css carries into the margin box with `string-set`;
 * print/page-css.ts writes the verso text into `@page :left`.
 */
import { readFileSync } from 'node:fs';
import type { BookConfig } from '../config/schema.ts';
import type { Volume } from '../model/types.ts';
import { projectPath } from '../paths.ts';
import { shapeLine } from './fonts/shape.ts';
import { fontsourceVersion } from './fonts/fontsource.ts';
import { hashKey, type BuildCache } from '../cache/store.ts';
import { renderCodeKey } from './paper-key.ts';

const OPEN = '（(《〈「『“‘【〔[';
const CLOSE = '）)》〉」』”’】〕]';

/** True when every bracket closes the last one opened and none is left open. */
export function balanced(text: string): boolean {
  const stack: string[] = [];
  for (const ch of text) {
    const o = OPEN.indexOf(ch);
    if (o >= 0) {
      stack.push(CLOSE[o]!);
      continue;
    }
    if (CLOSE.includes(ch) && stack.pop() !== ch) return false;
  }
  return stack.length === 0;
}

const trimHead = (s: string) => s.replace(/^[\s　：:，,、;；—-]+|[\s　：:，,、;；—-]+$/g, '');

/**
 * Short forms of a title at natural breaks, each acceptable as a head: brackets balanced, not
 * ending on an opening bracket, at least two characters. Longest first.
 */
export function shortForms(title: string): string[] {
  const found = new Set<string>();
  const visit = (s: string) => {
    s = trimHead(s);
    if ([...s].length < 2 || found.has(s)) return;
    found.add(s);
    // before —— (a subtitle)
    const dash = s.indexOf('——');
    if (dash > 0) visit(s.slice(0, dash));
    // before / after ：
    const colon = s.search(/[：:]/);
    if (colon > 0) {
      visit(s.slice(0, colon));
      visit(s.slice(colon + 1));
    }
    // a trailing bracket pair dropped: 科技爱好者周刊（第 296 期） → 科技爱好者周刊
    const bracket = /^(.*\S)\s*[（(【〔[][^（(）)【】〔〕[\]]*[）)】〕\]]$/u.exec(s);
    if (bracket) visit(bracket[1]!);
    // at a space: every prefix that ends before one
    for (const m of s.matchAll(/[\s　]+/g)) if (m.index! > 0) visit(s.slice(0, m.index));
  };
  visit(title);
  found.delete(trimHead(title));
  return [...found]
    .filter((s) => balanced(s) && !OPEN.includes([...s].at(-1)!))
    .sort((a, b) => [...b].length - [...a].length);
}

/**
 * The running-head text for a title. `fits` says whether a text fits the head line; `short`
 * is the editor's short form, which wins whenever given.
 */
export function runningHeadText(title: string, fits: (text: string) => boolean, short?: string | null): string {
  if (short) return short;
  if (fits(title)) return title;
  const form = shortForms(title).find(fits);
  if (form) return form;
  // No natural break fits: the longest balanced prefix that fits with an ellipsis.
  const chars = [...title];
  for (let n = chars.length - 1; n >= 2; n--) {
    const head = trimHead(chars.slice(0, n).join(''));
    if (balanced(head) && !OPEN.includes([...head].at(-1) ?? '') && fits(head + '…')) return head + '…';
  }
  return chars.slice(0, 2).join('') + '…';
}

/** The head's font size in pt, as styles/print.css sets it on the `@top-center` margin box. */
export function headFontSizePt(css = readFileSync(projectPath('styles', 'print.css'), 'utf8')): number {
  const box = /@top-center\s*\{([^}]*)\}/.exec(css);
  const size = box && /font-size:\s*([\d.]+)pt/.exec(box[1]!);
  if (!size) throw new Error('styles/print.css: no font-size in pt on @top-center');
  return Number(size[1]);
}

/** Width of the head line in ems of the head's font: the type area, fontSize × charsPerLine. */
export function headLineEm(page: BookConfig['page'], headPt = headFontSizePt()): number {
  return (page.fontSize * page.charsPerLine) / headPt;
}

/** Advance width of `text` in ems, set in the face the head uses (the body Song, regular). */
export async function advanceEm(meta: BookConfig, text: string): Promise<number> {
  return (await shapeLine(meta.fonts.body, 400, text, { outlines: false })).width / 1000;
}

/**
 * A `fits` predicate for a book: the titles and their short forms shaped whole beforehand
 * (shaping is async); any other text (the rare ellipsis cut) by the sum of its characters'
 * measured advances.
 */
export async function headFits(meta: BookConfig, titles: string[]): Promise<(text: string) => boolean> {
  const capacity = headLineEm(meta.page);
  const texts = new Set<string>();
  for (const t of titles) {
    texts.add(t);
    for (const s of shortForms(t)) texts.add(s);
  }
  const chars = new Set([...titles.join(''), '…']);
  const widths = new Map<string, number>();
  const advances = new Map<string, number>();
  await Promise.all([
    ...[...texts].map(async (t) => widths.set(t, await advanceEm(meta, t))),
    ...[...chars].map(async (c) => advances.set(c, await advanceEm(meta, c))),
  ]);
  const width = (text: string) => widths.get(text) ?? [...text].reduce((sum, c) => sum + (advances.get(c) ?? 1), 0);
  return (text) => width(text) <= capacity + 1e-6;
}

/**
 * Recto running heads of every paper of the volume, by paper id. With a build cache they are kept
 * by what decides them (the titles, short forms, page and head size, body face, code): shaping
 * every title and its short forms is ~0.15 s of CPU, and the body face must be decoded first.
 */
export async function rectoHeads(volume: Volume, cache?: BuildCache): Promise<Map<string, string>> {
  const papers = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
  const short = volume.meta.runningHeads ?? {};
  const { meta } = volume;
  const key = cache && hashKey('recto-heads', renderCodeKey(), JSON.stringify([meta.page, meta.fonts.body, fontsourceVersion(meta.fonts.body), headFontSizePt(), short, papers.map((p) => p.title)]));
  const kept = key ? cache.getJson<string[]>('heads', key) : null;
  if (kept?.length === papers.length) return new Map(papers.map((p, i) => [p.id, kept[i]!]));
  const fits = await headFits(volume.meta, papers.map((p) => p.title));
  const heads = papers.map((p) => runningHeadText(p.title, fits, short[p.title]));
  if (key) cache.putJson('heads', key, heads);
  return new Map(papers.map((p, i) => [p.id, heads[i]!]));
}

/** The verso running head: the book title, or the editor's short form of it. */
export function versoHead(meta: BookConfig): string {
  return meta.runningHeads?.[meta.title] ?? meta.title;
}
