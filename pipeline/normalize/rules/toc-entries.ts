/**
 * toc-entries — parses the 目录 section: the `目录` heading, 篇 and 章 lines (headings or paragraphs),
 * and one entry per line in every leader/number style found in real books:
 * `title.....<TAB>unit (01)`, `title<TAB>unit<TAB>(141)`, `title……unit（01）`, `title···unit 141`, `title unit`.
 * Results go to `file.data.toc`; the section's nodes are marked role `toc` (writers regenerate the 目录).
 * Summary → info; a line that cannot be parsed → warning.
 */
import type { Heading, List, ListItem, Paragraph, Root, RootContent, Table } from 'mdast';
import type { VFile } from 'vfile';
import type { TocData, TocItem } from '../../model/normalized.ts';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule, type RuleContext } from '../define-rule.ts';
import { CHAPTER_RE, PART_RE, juan, plain } from '../text.ts';
import { closesChapter } from '../../model/numbering.ts';
import { fixPunctuation } from './fullwidth-punctuation.ts';

export type { TocChapter, TocData, TocItem as TocEntry, TocPart } from '../../model/normalized.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文。\n'],
  notOk: [
    {
      in: '# 目录\n\n## 第一篇 围涂篇\n\n### 第一章 提高质量\n\n甲文.....\t市甲局 (01)\n乙文\t市乙局\t(141)\n丙文……市丙局（07）\n丁文···市丁局 23\n',
      messages: ['1:1 toc-entries'],
    },
    { in: '# 目录\n\n甲文.....\t市甲局 (01)\n这一行什么也不是\n', messages: ['4:1 toc-entries', '1:1 toc-entries'] },
    // our normalized manuscript writes a paper without unit or page as its bare title
    { in: '---\njuan: {}\n---\n\n# 目录\n\n论文甲\n论文乙\n\n# 论文甲\n', messages: ['5:1 toc-entries'] },
  ],
};

export const LEADER = /\s*(?:\.{2,}|…+|·{2,}|．{2,}|。{2,}|-{3,}|_{3,}|⋯+)\s*/;
const LEADER_EDGE = /^[\s.…·．。⋯_-]+|[\s.…·．。⋯_-]+$/g;

export function parseTocLine(line: string): { title: string; unit: string | null; page: string | null } | null {
  let rest = line.replace(/\u00A0/g, ' ').trim();
  if (!rest) return null;
  let page: string | null = null;
  const pm = rest.match(/(?:[（(]\s*(\d{1,4})\s*[)）]|(?<=[\s.…·．。⋯]|^)(\d{1,4}))\s*$/);
  if (pm) {
    page = pm[1] ?? pm[2];
    rest = rest.slice(0, pm.index).trim();
  }
  let title: string;
  let unit: string | null = null;
  const lm = rest.match(LEADER);
  if (lm && lm.index! > 0) {
    title = rest.slice(0, lm.index);
    unit = rest.slice(lm.index! + lm[0].length);
  } else if (rest.includes('\t')) {
    const [t, ...u] = rest.split(/\t+/);
    title = t;
    unit = u.join(' ');
  } else if (/\S {2,}\S/.test(rest)) {
    const i = rest.search(/ {2,}/);
    title = rest.slice(0, i);
    unit = rest.slice(i);
  } else {
    title = rest;
  }
  title = title.replace(LEADER_EDGE, '').trim();
  unit = unit?.replace(LEADER_EDGE, '').replace(/\s+/g, ' ').trim() || null;
  if (!title) return null;
  if (!page && !unit) return null;
  return { title, unit, page };
}

/** A 目录 line as an entry (title——subtitle split, punctuation fixed). */
function entryOf(ctx: RuleContext, title0: string, unit0: string | null, page: string | null, part: number, chapter: number, place: TocItem['position'], index: number, href: string | null = null): TocItem {
  const title = fixPunctuation(title0).text;
  const unit = unit0 == null ? null : fixPunctuation(unit0).text;
  if (title !== title0 || unit !== unit0) ctx.info(`目录条目中的半角标点已改为全角：「${title0}」「${unit0 ?? ''}」`, place);
  const dash = title.search(/——/);
  return {
    index,
    title,
    mainTitle: dash > 0 ? title.slice(0, dash).trim() : title,
    subtitle: dash > 0 ? title.slice(dash).replace(/^—+/, '').trim() || null : null,
    unit,
    oldPage: page,
    part,
    chapter,
    href,
    position: place,
  };
}

/** A link to another manuscript file or to an anchor (what a 目录 written as links points to). */
const LOCAL_HREF = /^(?![a-z][a-z0-9+.-]*:|\/\/)[^?]*?(?:\.(?:md|markdown|html?)(?:#.*)?|#.+)$/i;

/** The first local link of a node, and its text. */
function linkIn(node: RootContent | ListItem): { text: string; href: string } | null {
  let found: { text: string; href: string } | null = null;
  const walk = (n: { type: string; children?: unknown[]; url?: string }) => {
    if (found) return;
    if (n.type === 'link' && n.url && LOCAL_HREF.test(n.url)) found = { text: plain(n as never).trim(), href: n.url };
    else if (n.type !== 'list') for (const c of (n.children ?? []) as Array<typeof n>) walk(c);
  };
  walk(node as never);
  return found;
}

/** A list all of whose items are local links: a 目录 written as a list of links. */
function isLinkList(n: RootContent): n is List {
  return n.type === 'list' && n.children.length >= 1 && n.children.every((item) => linkIn(item) != null);
}

/** A short line between link lists (`## 2025`, `**三月**`): structure of a 目录, not content. */
function isShortLine(n: RootContent): boolean {
  if (n.type !== 'heading' && n.type !== 'paragraph') return false;
  const t = plain(n).trim();
  return !!t && [...t].length <= 12 && !t.includes('\n') && !/[。；！？]/.test(t);
}

/** The paper titles our normalized manuscript's front matter lists (`juan.papers`; read-manuscript.ts parsed the blocks). */
export function storedPaperTitles(file: VFile): string[] {
  for (const block of file.data.frontMatter ?? []) {
    const papers = (block.data.juan as { papers?: Array<{ title?: unknown }> } | undefined)?.papers;
    if (Array.isArray(papers)) return papers.map((p) => p.title).filter((t): t is string => typeof t === 'string');
  }
  return [];
}

export default defineRule({ id: 'toc-entries' }, (tree, file, ctx) => {
  const kids = tree.children;
  const isTocTitle = (n: RootContent) => (n.type === 'heading' || n.type === 'paragraph') && /^目\s*录$/.test(plain(n).replace(/[\s\u3000]/g, ' ').trim());
  const start = kids.findIndex(isTocTitle);
  // A 目录 title further on, after the 目录 (a second copy, a 目录 inside a paper) is no paper and no
  // heading of one: it is left out of the book, and the editor is told where it is
  const dropLaterTocTitles = (from: number) => {
    for (const n of kids.slice(from)) {
      if (!isTocTitle(n)) continue;
      juan(n).role = 'toc';
      ctx.warn('书稿里又出现一个「目录」标题：不作论文或章节标题，不印出（目录按正文重新生成）', ctx.at(n));
    }
  };
  if (start < 0) {
    linkListToc(tree, file, ctx);
    return;
  }
  const head = kids[start] as Heading | Paragraph;
  // our own normalized manuscript (`juan:` in the front matter) writes a paper without unit or page
  // as its bare title: a 目录 line there, not junk
  const ours = kids.some((n) => n.type === 'yaml' && /^juan:/m.test(n.value));
  const parseLine = (line: string) => parseTocLine(line) ?? (ours && line.trim() ? { title: line.trim(), unit: null, page: null } : null);
  // …and a paper titled like a 篇 or 章 (a law's 「第一章 总则」 with its articles is a unit): its 目录
  // line and its heading are the paper's, as the front matter's list of papers says
  const stored = ours ? storedPaperTitles(file) : [];
  // A 目录 line is such a paper's when it is the next title the front matter lists (in order: a 章 line may
  // have the same text); a heading, when it is any of them once the 目录 has listed them all (where the book
  // begins: before that, a heading is a 章 line of the 目录, even when a 章-titled unit has its text).
  const isStoredPaper = (text: string, node: RootContent) => (node.type === 'heading' ? toc.entries.length >= stored.length && stored.includes(text) : stored[toc.entries.length] === text);
  const depth = head.type === 'heading' ? head.depth : 0;
  const toc: TocData = { position: ctx.at(head), parts: [], entries: [], form: 'lines' };
  juan(head).role = 'toc';
  let part = -1;
  let chapter = -1;
  let entryDepth = 0;
  const push = (title: string, unit: string | null, page: string | null, place: TocItem['position'], href: string | null = null) => {
    // a 章 that is a unit itself starts a chapter without a title (as build-volume's partsFromBody does)
    if (closesChapter(title, chapter >= 0 ? toc.parts[part]!.chapters[chapter]! : null)) {
      toc.parts[part]!.chapters.push({ label: '', title: '', position: place });
      chapter = toc.parts[part]!.chapters.length - 1;
    }
    toc.entries.push(entryOf(ctx, title, unit, page, part, chapter, place, toc.entries.length + 1, href));
  };
  let i = start + 1;
  for (; i < kids.length; i++) {
    const node: RootContent = kids[i];
    // the 目录 title again (a 目录 over two old pages repeats it): still the 目录, no entry
    if (isTocTitle(node)) {
      juan(node).role = 'toc';
      continue;
    }
    if (node.type === 'heading' && depth && node.depth <= depth) break;
    if (node.type === 'list') {
      // a list of the papers, with or without links: one entry per top-level item
      if (!node.children.length) break;
      juan(node).role = 'toc';
      toc.form = 'list';
      for (const item of node.children) {
        const link = linkIn(item);
        const first = item.children[0];
        const text = link?.text ?? (first ? plain(first).trim().split('\n')[0]! : '');
        const parsed = link ? null : parseTocLine(text);
        if (link?.text || parsed || text) push(link?.text || parsed?.title || text.replace(/\s*[（(]?\d{1,4}[)）]?\s*$/, ''), parsed?.unit ?? null, parsed?.page ?? null, ctx.at(item), link?.href ?? null);
      }
      continue;
    }
    if (node.type === 'table') {
      juan(node).role = 'toc';
      toc.form = 'table';
      tableEntries(node, ctx).forEach((e) => push(e.title, e.unit, e.page, e.place, e.href));
      continue;
    }
    if (node.type !== 'heading' && node.type !== 'paragraph') {
      if (node.type === 'yaml' || node.type === 'html') continue;
      break;
    }
    const text = plain(node).trim();
    const pm = text.match(PART_RE);
    const cm = text.match(CHAPTER_RE);
    if (pm && !text.includes('\n') && !isStoredPaper(text, node)) {
      toc.parts.push({ label: `第${pm[1]}篇`, title: pm[2].trim(), position: ctx.at(node), chapters: [] });
      part = toc.parts.length - 1;
      chapter = -1;
      juan(node).role = 'toc';
      continue;
    }
    if (cm && !text.includes('\n') && !isStoredPaper(text, node)) {
      if (part < 0) {
        toc.parts.push({ label: '', title: '', position: ctx.at(node), chapters: [] });
        part = 0;
      }
      toc.parts[part].chapters.push({ label: `第${cm[1]}章`, title: cm[2].trim(), position: ctx.at(node) });
      chapter = toc.parts[part].chapters.length - 1;
      juan(node).role = 'toc';
      continue;
    }
    if (node.type === 'heading') {
      // A 目录 written as headings: a heading with no text under it (the next node is another
      // heading) is an entry; the shallowest such depth gives the papers, deeper ones are their
      // sections. A heading with text under it is where the book begins.
      const next = kids[i + 1];
      // after 目录 lines, a heading is where the book begins (papers may have no text at all)
      if (toc.entries.length && toc.form !== 'headings') break;
      if (!depth || !next || next.type !== 'heading' || !text) break;
      juan(node).role = 'toc';
      if (!entryDepth || node.depth < entryDepth) entryDepth = node.depth;
      if (node.depth === entryDepth) {
        const parsed = parseTocLine(text);
        push(parsed?.title ?? text, parsed?.unit ?? null, parsed?.page ?? null, ctx.at(node));
        toc.form = 'headings';
      }
      continue;
    }
    const lines = text.split('\n');
    const parsed = lines.map(parseLine);
    if (!parsed.some(Boolean)) break; // first paragraph that is no 目录 line ends the section
    juan(node).role = 'toc';
    let offset = plain(node).indexOf(lines[0]);
    lines.forEach((line, k) => {
      const entry = parsed[k];
      const place = ctx.at(node, offset);
      offset += line.length + 1;
      if (!entry) {
        if (line.trim()) ctx.warn(`目录行无法解析（找不到单位或页码）：「${line.trim()}」`, place);
        return;
      }
      push(entry.title, entry.unit, entry.page, place);
    });
  }
  if (!toc.entries.length) {
    // A 目录 we cannot read (`[TOC]`, a picture, prose) is still a 目录: never printed as
    // content. It runs to the next heading of its level (or the next heading at all).
    for (; i < kids.length; i++) {
      const node = kids[i]!;
      if (node.type === 'heading' && (!depth || node.depth <= depth)) break;
      if (node.type === 'heading') break;
      juan(node).role = 'toc';
    }
    ctx.warn('目录无法读出（既不是「标题……页码」行，也不是标题、列表或表格），不印出；目录按正文重新生成', ctx.at(head));
    dropLaterTocTitles(i);
    return;
  }
  dropLaterTocTitles(i);
  file.data.toc = toc;
  const chapters = toc.parts.reduce((s, p) => s + p.chapters.length, 0);
  ctx.info(`目录解析完成：${toc.entries.length} 条论文，${toc.parts.filter((p) => p.label).length} 篇，${chapters} 章`, ctx.at(head));
});

/** Rows of a 目录 table: title (or its link) in the first cell, a page number in the last. */
function tableEntries(table: Table, ctx: RuleContext): Array<{ title: string; unit: string | null; page: string | null; href: string | null; place: TocItem['position'] }> {
  const out: Array<{ title: string; unit: string | null; page: string | null; href: string | null; place: TocItem['position'] }> = [];
  table.children.forEach((row, r) => {
    const cells = row.children.map((c) => plain(c).trim());
    const link = linkIn(row as never);
    const last = cells[cells.length - 1] ?? '';
    const page = cells.length > 1 && /^[（(]?\d{1,4}[)）]?$/.test(last) ? last.replace(/\D/g, '') : null;
    if (r === 0 && !link && !page) return; // the header row
    const title = link?.text ?? cells.find((c) => c && !/^[（(]?\d{1,4}[)）]?$/.test(c)) ?? '';
    if (!title) return;
    const unit = cells.length > 2 && !page ? null : cells.length > 2 ? cells[cells.length - 2] || null : null;
    out.push({ title, unit: unit === title ? null : unit, page, href: link?.href ?? null, place: ctx.at(row as never) });
  });
  return out;
}

/**
 * No `目录` heading: a list of links to the manuscript's other files or anchors before the first
 * paper is its 目录 (a README listing the issues), with the short lines around it (`## 2025`,
 * `**三月**`).
 */
function linkListToc(tree: Root, file: VFile, ctx: RuleContext): void {
  const kids = tree.children;
  const firstList = kids.findIndex(isLinkList);
  if (firstList < 0) return;
  // before any heading that has text of its own under it (a paper)
  for (let k = 0; k < firstList; k++) {
    const n = kids[k]!;
    if (n.type === 'heading' && k > 0) {
      const next = kids[k + 1];
      if (next && next.type !== 'heading' && !isShortLine(next) && !isLinkList(next) && kids.slice(0, k).some((x) => x.type === 'heading')) return;
    }
  }
  let from = firstList;
  // a short `#` line belongs to the 目录 too (`# 2021 年期刊`), unless it is the first heading: the book's title
  const isTitle = (k: number) => kids[k]!.type === 'heading' && (kids[k] as Heading).depth === 1 && !kids.slice(0, k).some((x) => x.type === 'heading');
  while (from > 0 && isShortLine(kids[from - 1]!) && !isTitle(from - 1)) from--;
  let to = firstList;
  while (to + 1 < kids.length && (isLinkList(kids[to + 1]!) || (isShortLine(kids[to + 1]!) && kids[to + 1]!.type === 'paragraph' && to + 2 < kids.length && isLinkList(kids[to + 2]!)))) to++;
  const lists = kids.slice(from, to + 1);
  const toc: TocData = { position: ctx.at(kids[from]!), parts: [], entries: [], form: 'list' };
  const push = (item: ListItem) => {
    const link = linkIn(item)!;
    toc.entries.push(entryOf(ctx, link.text || link.href, null, null, -1, -1, ctx.at(item), toc.entries.length + 1, link.href));
  };
  for (const n of lists) {
    juan(n).role = 'toc';
    if (n.type !== 'list') continue;
    for (const item of n.children) {
      // an item with its own list of links under it (`- [一月刊](chapter_1/toc.md)` and the month's
      // articles indented below) heads them: its articles are the entries (a 目录 line, like `**六月**`)
      const nested = item.children.find((c): c is List => isLinkList(c as RootContent));
      if (nested) nested.children.forEach(push);
      else push(item);
    }
  }
  file.data.toc = toc;
  ctx.info(`目录（链接列表）解析完成：${toc.entries.length} 条`, toc.position);
}
