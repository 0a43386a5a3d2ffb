/**
 * Helpers shared by the rules: original-offset bookkeeping for text nodes (so every message
 * points into the ORIGINAL manuscript even after earlier rules edited the text), node roles,
 * Chinese numbering and character classes.
 */
import type { Nodes, Paragraph, Parent, PhrasingContent, Root, RootContent, Text } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { Node } from 'unist';
import type { VFile } from 'vfile';
import { location } from 'vfile-location';
import { cleanSource, type Hygiene } from './hygiene.ts';

export { FINAL, juan, plain, roleOf, type JuanData, type Place, type Point, type Role } from '../model/annotations.ts';
import { juan, plain, type Place, type Point } from '../model/annotations.ts';

declare module 'vfile' {
  interface DataMap {
    /** The manuscript as written, BOM removed (originalOf). */
    original: string;
    /** Encoding hygiene of the whole source (hygieneOf). */
    hygiene: Hygiene;
    /** Offset ↔ line/column of the original (vfile-location). */
    location: ReturnType<typeof location>;
  }
}

/** The manuscript as written, BOM removed: positions (line, column, offset) index into it. */
export function originalOf(file: VFile): string {
  const data = file.data;
  return (data.original ??= String(file.value ?? '').replace(/^\uFEFF/, ''));
}

/** Encoding hygiene of the whole source (done once, before the parse; see hygiene.ts). */
export function hygieneOf(file: VFile): Hygiene {
  const data = file.data;
  return (data.hygiene ??= cleanSource(originalOf(file)));
}

/** The text the parser saw: the original after encoding hygiene. Map offsets with `hygieneOf(file).map`. */
export function sourceOf(file: VFile): string {
  return hygieneOf(file).text;
}

function locOf(file: VFile) {
  const data = file.data;
  return (data.location ??= location(originalOf(file)));
}

/** Line/column/offset of an offset into the original text. */
export function pointOfOffset(file: VFile, offset: number): Point | undefined {
  const p = locOf(file).toPoint(offset);
  return p ? { line: p.line, column: p.column, offset: p.offset } : undefined;
}

/**
 * The parser ran on the clean text: move every position of the tree to the original file
 * (nothing to do when hygiene only replaced characters one for one).
 */
export function toOriginalPositions(tree: Root, file: VFile): void {
  const map = hygieneOf(file).map;
  if (map.identity) return;
  const loc = locOf(file);
  const point = (o: number) => {
    const p = loc.toPoint(o);
    return p ? { line: p.line, column: p.column, offset: o } : undefined;
  };
  const walk = (node: Nodes) => {
    const pos = (node as Node).position;
    if (pos && pos.start.offset != null && pos.end.offset != null) {
      const start = point(map.toOriginal(pos.start.offset));
      const end = point(Math.max(map.toOriginalEnd(pos.end.offset), start?.offset ?? 0));
      if (start && end) (node as Node).position = { start, end };
    }
    if ('children' in node) for (const c of node.children) walk(c as Nodes);
  };
  walk(tree);
}

/** The clean text the parser read for a node (positions are in the original file). */
export function sourceSlice(file: VFile, node: Nodes): string | undefined {
  const pos = (node as Node).position;
  if (!pos || pos.start.offset == null || pos.end.offset == null) return undefined;
  const map = hygieneOf(file).map;
  return sourceOf(file).slice(map.toClean(pos.start.offset), map.toClean(pos.end.offset));
}

/** Original-offset map of a text node, built lazily (identity, or a greedy alignment past escapes). */
export function mapOf(file: VFile, node: Text): number[] | undefined {
  const j = juan(node);
  if (j.map) return j.map;
  const pos = node.position;
  if (!pos || pos.start.offset == null || pos.end.offset == null) return undefined;
  const { map: sm, text } = hygieneOf(file);
  const from = sm.toClean(pos.start.offset);
  const to = sm.toClean(pos.end.offset);
  const value = node.value;
  const map: number[] = new Array(value.length + 1);
  let s = from;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    while (s < to && text.charCodeAt(s) !== ch) s++;
    map[i] = s < to ? sm.toOriginal(s) : pos.end.offset;
    if (s < to) s++;
  }
  map[value.length] = pos.end.offset;
  j.map = map;
  return map;
}

/** Place of character `index` of a node (text: via its map; other nodes: their start/end). */
export function pointAt(file: VFile, node: Nodes, index?: number): Place {
  if (node.type === 'text' && index != null) {
    const map = mapOf(file, node);
    const p = map && pointOfOffset(file, map[Math.max(0, Math.min(index, map.length - 1))]);
    if (p) return p;
  }
  if (node.type !== 'text' && index != null && 'children' in node) {
    // find the text node holding character `index` of the parent's plain text
    let rest = index;
    for (const t of textNodes(node)) {
      if (rest <= t.value.length) return pointAt(file, t, rest);
      rest -= t.value.length;
    }
  }
  const pos = (node as { position?: { start: Point } }).position;
  if (!pos) return { line: 1, column: 1 };
  return { line: pos.start.line, column: pos.start.column, offset: pos.start.offset };
}

export interface Edit { start: number; end: number; insert: string }

/** Apply edits (on the current value) to a text node, keeping its original-offset map. */
export function editText(file: VFile, node: Text, edits: Edit[]): void {
  if (!edits.length) return;
  const map = mapOf(file, node) ?? Array.from({ length: node.value.length + 1 }, () => 0);
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let value = '';
  const out: number[] = [];
  let i = 0;
  for (const e of sorted) {
    if (e.start < i) continue; // overlapping edit: skip
    value += node.value.slice(i, e.start);
    out.push(...map.slice(i, e.start));
    value += e.insert;
    for (let k = 0; k < e.insert.length; k++) out.push(map[e.start]);
    i = e.end;
  }
  value += node.value.slice(i);
  out.push(...map.slice(i));
  node.value = value;
  juan(node).map = out;
}

/** Split a text node at `index`: returns [left, right] sharing the original map. */
export function splitText(file: VFile, node: Text, index: number): [Text, Text] {
  const map = mapOf(file, node) ?? Array.from({ length: node.value.length + 1 }, () => 0);
  const left: Text = { type: 'text', value: node.value.slice(0, index), position: node.position };
  const right: Text = { type: 'text', value: node.value.slice(index), position: node.position };
  juan(left).map = map.slice(0, index + 1);
  juan(right).map = map.slice(index);
  return [left, right];
}

/** Append text node `b` to `a` (its next sibling, to be removed by the caller), keeping the maps. */
export function appendText(file: VFile, a: Text, b: Text): void {
  appendTexts(file, a, [b]);
}

/** appendText for each of `rest` in turn, the map grown in place (settleSources merges whole runs). */
export function appendTexts(file: VFile, a: Text, rest: Text[]): void {
  const zeros = (n: number) => Array.from({ length: n + 1 }, () => 0);
  const map = (mapOf(file, a) ?? zeros(a.value.length)).slice(0, a.value.length);
  let value = a.value;
  for (const b of rest) {
    if (map.length > value.length) map.length = value.length;
    for (const o of mapOf(file, b) ?? zeros(b.value.length)) map.push(o);
    value += b.value;
    if (a.position && b.position) a.position = { start: a.position.start, end: b.position.end };
  }
  a.value = value;
  juan(a).map = map;
}

/** Is character `index` of a text node a literal character of the source (not written `\\x`, `&…;`)? */
export function isLiteralAt(file: VFile, node: Text, index: number): boolean {
  const map = mapOf(file, node);
  if (!map) return true;
  const src = originalOf(file);
  const o = map[index];
  return src.charCodeAt(o) === node.value.charCodeAt(index) && src.charCodeAt(o - 1) !== 92; // `\\`
}

export function* textNodes(node: Nodes): Generator<Text> {
  if (node.type === 'text') yield node;
  else if ('children' in node) for (const c of (node as Parent).children) yield* textNodes(c as Nodes);
}

// ——— character classes ———
export const HAN = '\\p{Script=Han}';
export const hanRe = /\p{Script=Han}/u;
export const isHan = (ch: string | undefined) => !!ch && hanRe.test(ch);
/** Chinese text characters: Han plus full-width punctuation. */
const cjkRe = /[\p{Script=Han}\u3000-\u303F\uFF01-\uFF5E“”‘’…—·]/u;
export const isCjk = (ch: string | undefined) => !!ch && cjkRe.test(ch);

// ——— Chinese numbering ———
export { numberingLevel } from '../model/numbering.ts';

export { CHAPTER_RE, PART_RE } from '../model/numbering.ts';

export function isBlock(n: RootContent): boolean {
  return n.type === 'paragraph' || n.type === 'heading';
}
export function firstText(node: { children: PhrasingContent[] }): Text | undefined {
  const c = node.children[0];
  return c && c.type === 'text' ? c : undefined;
}
export function rootIndexOf(tree: Root, node: RootContent): number {
  return tree.children.indexOf(node);
}

/**
 * Remove nodes from a tree: `keep` sees every child in document order (depth-first, a parent's
 * children in order) and returns false to drop it. Paragraphs left with no visible text go too.
 */
export function pruneTree(parent: Parent, keep: (child: RootContent, parent: Parent) => boolean): void {
  const kept: RootContent[] = [];
  for (const child of parent.children as RootContent[]) {
    if (!keep(child, parent)) continue;
    if ('children' in child) pruneTree(child as Parent, keep);
    if (child.type === 'paragraph' && child.children.every((c) => c.type === 'text' && !c.value.trim())) continue;
    kept.push(child);
  }
  (parent as { children: RootContent[] }).children = kept;
}

// ——— protected constructs ———
/**
 * Spans of a text node's value no rule may change: TeX math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`), URLs,
 * e-mail addresses, footnote labels (`[^1]`). Code, link destinations and HTML are not text nodes.
 */
const PROTECTED = /\$\$[\s\S]+?\$\$|\$(?!\s)[^$\n]+?(?<!\s)\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]|\b(?:https?|ftp):\/\/[^\s<>"'，。；！？、）》」]+|\bwww\.[A-Za-z0-9-]+\.[^\s<>"'，。；！？、）》」]+|[\w.+-]+@[\w-]+\.[\w.-]+|\[\^[^\]\s]+\]/g;

export function protectedSpans(s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  PROTECTED.lastIndex = 0;
  for (let m = PROTECTED.exec(s); m; m = PROTECTED.exec(s)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** Does [start, end) overlap a protected span? */
export const overlaps = (spans: Array<[number, number]>, start: number, end: number) => spans.some(([a, b]) => start < b && end > a);

/** A paragraph that is display math (`$$ … $$`), alone or starting/ending it. */
export const isMathText = (t: string) => /^\s*\$\$|\$\$\s*$/.test(t);

/**
 * A paragraph that is math: display math (`$$ … $$`) alone or starting/ending it, or nothing but inline
 * math. Since remark-math, `$$…$$` on a line of its own inside a paragraph is an `inlineMath` node, not
 * text (its plain text has no `$`): read the node, and the text where the parser did not take the math.
 */
export function isMathParagraph(p: Paragraph): boolean {
  const kids = p.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  if (!kids.length) return false;
  if (kids.every((c) => c.type === 'inlineMath')) return true;
  if (isDisplayMath(kids[0]) || isDisplayMath(kids[kids.length - 1])) return true;
  const t = plain(p);
  return isMathText(t) || /^\s*\$[^$]+\$\s*$/.test(t);
}

/** `$$…$$` written on one line: remark-math reads it as inline math; its source says it is display math. */
const isDisplayMath = (c: PhrasingContent | undefined) => c?.type === 'inlineMath' && /^\$\$/.test((c as { data?: { juanSource?: { raw?: string } } }).data?.juanSource?.raw ?? '');

/** A paragraph that is nothing but `$$…$$` formulas each written on one line: display math, not text. */
export function isDisplayMathParagraph(p: Paragraph): boolean {
  const kids = p.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  return kids.length > 0 && kids.every(isDisplayMath);
}

/** A reference entry (`[12] 作者. 题名…`): written as its citation style wants, never joined or re-punctuated. */
export const isReferenceEntry = (t: string) => /^\s*[［\[]\d{1,3}[］\]]/.test(t);

/** The first `n` characters of a quoted value, with … where it was cut (「开启新时…」, never 「开启新时」). */
export function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n).join('')}…` : s;
}
