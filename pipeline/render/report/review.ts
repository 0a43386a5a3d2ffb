/**
 * The review of a normalization run, shared by report.html and the terminal: every message with the
 * original and the result side by side (characters removed and inserted marked, cut to a window with
 * 「…」), its paper and the printed page where the text landed (page map); identical warnings grouped.
 */
import { diffChars, type Change } from 'diff';
import type { Root, RootContent } from 'mdast';
import type { Node } from 'unist';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import type { PageMap, Paper, Volume } from '../../model/types.ts';
import { originalOf } from '../../normalize/text.ts';
import { stringifyMarkdown } from '../markdown.ts';
import { severityOf, type ReportMessage } from './report-json.ts';
import { patternOf } from '../../report/patterns.ts';

export type SegmentKind = 'same' | 'del' | 'ins';
export interface Segment { kind: SegmentKind; text: string }

export interface ReviewEntry extends ReportMessage {
  /** The original around the place: unchanged and removed characters; `cutBefore/After`: text left out. */
  before: Segment[];
  /** The result around the place: unchanged and inserted characters. */
  after: Segment[];
  cutBefore: boolean;
  cutAfter: boolean;
  paper: { id: string; title: string } | null;
  page: { page: number; folio: string } | null;
}

export interface ReviewGroup {
  rule: string;
  severity: ReportMessage['severity'];
  /** The reason with its quoted values left out: what the grouped messages share. */
  pattern: string;
  entries: ReviewEntry[];
}

export interface Review {
  manuscript: string;
  entries: ReviewEntry[];
  /** Entries in document order, identical warnings (same rule and wording but the quotes) as one group. */
  groups: ReviewGroup[];
  byRule: Record<string, { info: number; warning: number; error: number }>;
  /** Changes not made because the editor switched a rule off there: rule → count; rules off for the book. */
  suppressed: Record<string, number>;
  off: string[];
}

/** Warnings that occur at least this often are shown as one group. */
const GROUP_AT = 3;
const WINDOW = 24;

const papersOf = (v: Volume): Paper[] => v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));

export function buildReview(volume: Volume, run: { file: VFile; tree: Root }, pageMap?: PageMap | null): Review {
  const { file, tree } = run;
  const original = originalOf(file);
  const loc = location(original);
  const papers = papersOf(volume).sort((a, b) => a.position.line - b.position.line);
  const blocks = tree.children.flatMap((n) => {
    const pos = (n as Node).position;
    return pos && pos.start.offset != null && pos.end.offset != null && n.type !== 'yaml' ? [{ n, pos }] : [];
  }).sort((a, b) => a.pos.start.line - b.pos.start.line);
  const entries: ReviewEntry[] = [];
  // Several messages can fall in one block (a paragraph joined, its punctuation fixed…): each
  // block is stringified and diffed once, not once per message — and all of them in one call.
  const results = stringifyBlocks(file.messages.flatMap((m) => {
    const n = m.line == null ? undefined : blockAt(blocks, m.line)?.n;
    return n && n.type !== 'html' ? [n] : [];
  }));
  const diffs = new Map<string, Change[]>();
  for (const m of file.messages) {
    const base: ReportMessage = { rule: m.ruleId ?? 'unknown', line: m.line ?? null, column: m.column ?? null, severity: severityOf(m), text: m.reason };
    const entry: ReviewEntry = { ...base, before: [], after: [], cutBefore: false, cutAfter: false, paper: null, page: null };
    entries.push(entry);
    if (m.line == null) continue;
    const offset = loc.toOffset({ line: m.line, column: m.column ?? 1 }) ?? 0;
    // the block the message is about in the final tree (a joined paragraph spans both parts), else the source paragraph (deleted)
    const hit = blockAt(blocks, m.line);
    const node = hit?.n;
    let from: number;
    let to: number;
    let result: string;
    if (hit && node) {
      from = hit.pos.start.offset!;
      to = hit.pos.end.offset!;
      result = node.type === 'html' ? original.slice(from, to) : results.get(node)!;
    } else {
      from = original.lastIndexOf('\n\n', offset - 1) + 1 || 0;
      if (from > 0) from += 1;
      to = original.indexOf('\n\n', offset);
      if (to < 0) to = original.length;
      result = '';
    }
    const before = original.slice(from, to);
    const key = `${from}:${to}:${result.length}`;
    const parts = diffs.get(key) ?? (before === result ? [{ value: before, added: false, removed: false, count: 1 }] : diffChars(before, result));
    diffs.set(key, parts);
    windowed(entry, before, parts, Math.max(0, offset - from));
    const paper = papers[lastAtOrBefore(papers, (p) => p.position.line, m.line)];
    if (paper) {
      entry.paper = { id: paper.id, title: paper.title };
      entry.page = pageOf(paper, node, pageMap);
    }
  }
  entries.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const groups: ReviewGroup[] = [];
  const counts = new Map<string, number>();
  for (const e of entries) if (e.severity === 'warning') counts.set(`${e.rule}\u0000${patternOf(e.text)}`, (counts.get(`${e.rule}\u0000${patternOf(e.text)}`) ?? 0) + 1);
  const open = new Map<string, ReviewGroup>();
  for (const e of entries) {
    const key = `${e.rule}\u0000${patternOf(e.text)}`;
    if (e.severity === 'warning' && (counts.get(key) ?? 0) >= GROUP_AT) {
      const g = open.get(key);
      if (g) { g.entries.push(e); continue; }
      const group: ReviewGroup = { rule: e.rule, severity: e.severity, pattern: patternOf(e.text), entries: [e] };
      open.set(key, group);
      groups.push(group);
    } else groups.push({ rule: e.rule, severity: e.severity, pattern: e.text, entries: [e] });
  }
  const byRule: Review['byRule'] = {};
  for (const e of entries) (byRule[e.rule] ??= { info: 0, warning: 0, error: 0 })[e.severity]++;
  const control = file.data.juanControl;
  return { manuscript: file.path ?? '', entries, groups, byRule, suppressed: { ...(control?.suppressed ?? {}) }, off: [...(control?.off ?? [])] };
}

/** Between the blocks of one stringifyBlocks call: a raw HTML block, written as is on lines of its own. */
const SPLIT = '<!--juan-review-split-\u0001-->';

/**
 * Each block as the normalized manuscript writes it (stringifyMarkdown of the block alone), made in
 * ONE call: a serialiser call costs ~0.3 ms of set-up (its handlers and unsafe patterns), and a
 * book's report has hundreds of blocks. The blocks are written as siblings with a raw HTML
 * separator between them, so each starts a fresh flow (no list marker carried over, no blocks
 * joined) and the output splits back into the very strings single calls give (tests/render/report-blocks.test.ts).
 */
export function stringifyBlocks(nodes: RootContent[]): Map<RootContent, string> {
  const distinct = [...new Set(nodes)];
  const out = new Map<RootContent, string>();
  if (!distinct.length) return out;
  const children = distinct.flatMap((n, i): RootContent[] => (i ? [{ type: 'html', value: SPLIT }, n] : [n]));
  const parts = stringifyMarkdown({ type: 'root', children }).replace(/\n$/, '').split(`\n\n${SPLIT}\n\n`);
  if (parts.length !== distinct.length) {
    // a block whose own text holds the separator (never written by hand): one call each
    for (const n of distinct) out.set(n, stringifyMarkdown({ type: 'root', children: [n] }).replace(/\n$/, ''));
    return out;
  }
  distinct.forEach((n, i) => out.set(n, parts[i]!));
  return out;
}

/** Index of the last of `items` (in ascending `lineOf` order) at or before `line`, -1 if none. */
function lastAtOrBefore<T>(items: T[], lineOf: (item: T) => number, line: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf(items[mid]!) <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The block whose lines include `line` (blocks are in manuscript order and do not overlap): a binary search, as a book has thousands of blocks and hundreds of messages. */
function blockAt<T extends { pos: { start: { line: number }; end: { line: number } } }>(blocks: T[], line: number): T | undefined {
  const i = lastAtOrBefore(blocks, (b) => b.pos.start.line, line);
  return i >= 0 && line <= blocks[i]!.pos.end.line ? blocks[i] : undefined;
}

/** The printed page a block landed on: the last page of its paper that starts at or before the block. */
function pageOf(paper: Paper, node: RootContent | undefined, pageMap?: PageMap | null): ReviewEntry['page'] {
  if (!pageMap) return null;
  const start = pageMap.targets[paper.id];
  if (!start) return null;
  let page = start.page;
  const n = node ? blockIndex(paper, node) : -1;
  if (n >= 0)
    for (const s of paperStarts(pageMap, paper.id)) {
      if (Number(s.blockId.slice(paper.id.length + 2)) <= n && s.page > page) page = s.page;
    }
  const folio = pageMap.pages[page - 1]?.folio ?? start.folio;
  return { page, folio };
}

/** The page starts in a paper's blocks, looked up once per paper (a book has hundreds of messages and pages). */
const startsByPaper = new WeakMap<PageMap, Map<string, PageMap['pageStarts']>>();
function paperStarts(pageMap: PageMap, paperId: string): PageMap['pageStarts'] {
  let byPaper = startsByPaper.get(pageMap);
  if (!byPaper) startsByPaper.set(pageMap, (byPaper = new Map()));
  let starts = byPaper.get(paperId);
  if (!starts) byPaper.set(paperId, (starts = pageMap.pageStarts.filter((s) => s.blockId.startsWith(`${paperId}-b`))));
  return starts;
}

/** Index of a body node among the paper's printed blocks (html.ts blockId: raw HTML and definitions print nothing). */
function blockIndex(paper: Paper, node: RootContent): number {
  const line = (node as Node).position?.start.line;
  let n = 0;
  for (const b of paper.body) {
    if (b.type === 'html' || b.type === 'definition' || b.type === 'yaml') continue;
    if ((b as Node).position?.start.line === line) return n;
    n++;
  }
  return -1;
}

/** Fill before/after with the diff `parts` of `before` and the result, cut to a window around the change nearest `at`. */
function windowed(entry: ReviewEntry, before: string, parts: Change[], at: number): void {
  // original offsets of every part (inserted parts sit at the offset where they go)
  let pos = 0;
  const placed = parts.map((p) => {
    const start = pos;
    if (!p.added) pos += p.value.length;
    return { ...p, start, end: p.added ? start : pos };
  });
  const changes = placed.filter((p) => p.added || p.removed);
  let lo = at;
  let hi = at;
  if (changes.length) {
    const near = changes.reduce((best, c) => (Math.abs(c.start - at) < Math.abs(best.start - at) ? c : best));
    // a replacement is a removed part followed by an added one: show both
    lo = near.start;
    hi = Math.max(near.end, ...changes.filter((c) => c.start >= near.start && c.start <= near.end).map((c) => c.end));
  }
  const wFrom = Math.max(0, lo - WINDOW);
  const wTo = Math.min(before.length, hi + WINDOW);
  entry.cutBefore = wFrom > 0;
  entry.cutAfter = wTo < before.length;
  for (const p of placed) {
    if (p.added) {
      if (p.start >= wFrom && p.start <= wTo) entry.after.push({ kind: 'ins', text: p.value });
      continue;
    }
    const a = Math.max(p.start, wFrom);
    const b = Math.min(p.end, wTo);
    if (a >= b) continue;
    const text = p.value.slice(a - p.start, b - p.start);
    if (p.removed) entry.before.push({ kind: 'del', text });
    else { entry.before.push({ kind: 'same', text }); entry.after.push({ kind: 'same', text }); }
  }
}

/** Plain text of a side, with 「…」 where it was cut. */
export function sideText(entry: ReviewEntry, side: 'before' | 'after'): string {
  const body = entry[side].map((s) => s.text).join('');
  return `${entry.cutBefore ? '…' : ''}${body}${entry.cutAfter ? '…' : ''}`;
}
