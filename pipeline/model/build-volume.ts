/**
 * buildVolume: normalized mdast (+ what the rules recorded in file.data) → the Volume model.
 * Structure comes from the 目录 (篇 → 章 → papers; only parts/chapters with delivered papers);
 * without a 目录, every paper title found in the body goes into one implicit part/chapter (warning).
 * A normalized manuscript (ours) carries in its YAML front matter what its regenerated 目录 no longer
 * shows: the 目录 index, old page and 目录 title of each paper and the papers not delivered (`juan:`).
 */
import { createHash } from 'node:crypto';
import type { Heading, Root, RootContent } from 'mdast';
import type { VFile } from 'vfile';
import YAML from 'yaml';
import { defaultConfig, fallbackIdentifier } from '../config/defaults.ts';
import { CONFIG_KEYS, type BookConfig, type BookConfigInput } from '../config/schema.ts';
import { JuanError } from '../report/errors.ts';
import { withoutStack } from '../report/errors.ts';
import { FINAL, juan, plain, roleOf, type Place } from './annotations.ts';
import { CHAPTER_RE, PART_RE, closesChapter } from './numbering.ts';
import type { FrontMatterBlock, TocData } from './normalized.ts';
import type { Chapter, FrontSection, MissingPaper, Paper, Part, SourcePosition, Volume } from './types.ts';

/** What the normalized Markdown's front matter keeps beyond the metadata. */
export interface JuanFrontMatter {
  papers?: Array<{ id: string; index: number; title: string; tocTitle: string | null; oldPage: string | null }>;
  missing?: Array<Omit<MissingPaper, 'position'>>;
}


function frontMatter(tree: Root): Record<string, unknown> | null {
  const y = tree.children.find((n) => n.type === 'yaml');
  if (!y || y.type !== 'yaml') return null;
  try {
    const data = YAML.parse(y.value);
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `2018-10`, `2018/10/5`, `2018 年 10 月 5 日` → `2018-10` / `2018-10-05`; anything else → undefined. */
export function isoDate(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const m = String(value).trim().match(/^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:(?:[-/.]|月)\s*(\d{1,2})\s*日?|月)?/);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return undefined;
  return `${m[1]}-${m[2]!.padStart(2, '0')}${m[3] ? `-${m[3].padStart(2, '0')}` : ''}`;
}

/** A date line at the start of a manuscript: `2018 年 10 月`, `2021年12月24日 …会议通过`. */
const DATE_LINE = /^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?(?=$|\s|[（(，,])/;

/** Lines the title page takes from the manuscript's opening: organisers, a date. */
export const TITLE_PAGE_LINE = /^(?:[^。]{0,40}(?:指导|主办|承办|协办|编印)\s*[:：]|\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?$)/;
const BOOK_KEYS = ['title', 'subtitle', 'genre', 'publisher', 'description'] as const;
const GENERIC_NAMES = /^(?:manuscript|index|readme|main|book|draft|untitled|text|书稿|正文|稿件|全文)$/i;

/** The title a file name gives: its base name, or its folder's when the base name says nothing. */
export function titleFromPath(path: string): string | undefined {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const base = (parts.pop() ?? '').replace(/\.[^.]+$/, '');
  const name = GENERIC_NAMES.test(base) ? parts.pop() ?? '' : base;
  return name.trim() || undefined;
}

/** A value every block lists under `tags`/`categories`/`series`: the name of the collection the files belong to. */
function sharedTag(blocks: FrontMatterBlock[]): string | undefined {
  const listOf = (b: FrontMatterBlock) =>
    ['series', 'collection', 'tags', 'categories', 'category'].flatMap((k) => {
      const v = b.data[k];
      return (Array.isArray(v) ? v : v != null ? [v] : []).filter((x): x is string => typeof x === 'string').map((x) => x.trim());
    });
  const [first, ...rest] = blocks.map(listOf);
  return first?.find((t) => t && rest.every((l) => l.includes(t)));
}

/**
 * Metadata the manuscript itself gives. A normalized manuscript (ours): its YAML front matter.
 * Otherwise, in this order: the first front-matter block when it speaks for the book (not when
 * every block titles its own section file — then the collection name all blocks share); the
 * title-page block before the 目录 or the first paper: title = first H1 (or a single long
 * document's title), subtitle = the `##` after it, genre = a short H1 like `论文集`, date from
 * `2018 年 10 月`; finally the file name for the title. Never a placeholder: what is not known
 * stays undefined.
 */
export function metaFromManuscript(tree: Root, file?: VFile): Partial<BookConfig> {
  const fm = frontMatter(tree);
  if (fm && fm.juan) {
    const out: Record<string, unknown> = {};
    for (const k of CONFIG_KEYS) if (fm[k] != null) out[k] = k === 'date' ? String(fm[k]) : fm[k];
    return out as Partial<BookConfig>;
  }
  const meta: Partial<BookConfig> = {};
  const blocks = file?.data.frontMatter ?? [];
  const first = blocks[0];
  const perSection = blocks.length > 1 && blocks.every((b) => typeof b.data.title === 'string');
  if (first?.atStart && !perSection) {
    for (const k of BOOK_KEYS) if (typeof first.data[k] === 'string' && (first.data[k] as string).trim()) meta[k] = (first.data[k] as string).trim();
    const date = isoDate(first.data.date);
    if (date) meta.date = date;
    const kw = first.data.keywords;
    if (Array.isArray(kw)) meta.keywords = kw.filter((x): x is string => typeof x === 'string');
  } else if (perSection) {
    const tag = sharedTag(blocks);
    if (tag) meta.title = tag;
  }
  const kids = tree.children;
  const papers = file?.data.papers ?? [];
  const document = file?.data.structure === 'document';
  for (let i = 0; i < kids.length; i++) {
    const n = kids[i];
    const role = roleOf(n);
    const text = plain(n).trim();
    if (n.type === 'heading' && n.depth === 1 && role !== 'toc') {
      // the first paper's title is the book's only when the manuscript is that one document
      const isPaper = role === 'paper-title';
      if (!meta.title && (!isPaper || document || papers.length <= 1)) {
        meta.title = text;
        const next = kids[i + 1];
        if (!isPaper && next?.type === 'heading' && next.depth === 2 && roleOf(next) !== 'paper-title') meta.subtitle = plain(next).trim();
      } else if (!isPaper && !meta.genre && text.length <= 8 && meta.title) meta.genre = text;
      if (isPaper && !document) break;
      continue;
    }
    if (role === 'toc' || (role === 'paper-title' && !document)) break;
    if (document && role === 'section') break;
    // a date that opens a short line, or a line of its own before the text (a joined
    // `2021年12月24日 …通过为更好…` paragraph still starts with its date)
    const d = text.match(DATE_LINE);
    if (d && !meta.date && (text.length <= 80 || /^\S+\s/.test(text))) meta.date = `${d[1]}-${d[2]!.padStart(2, '0')}${d[3] ? `-${d[3].padStart(2, '0')}` : ''}`;
    if (document && role === 'paper-title' && papers[0]?.node !== n) break;
  }
  if (!meta.title) meta.title = titleLine(kids);
  if (!meta.title && file?.path) meta.title = titleFromPath(file.path);
  return meta;
}

/**
 * A title written as a plain line, with no heading anywhere to give one: the manuscript's first
 * block, one short line without sentence punctuation, with a date line among the next three (a web
 * page's 「中华人民共和国2025年国民经济和社会发展统计公报[1]」, then 「国家统计局」, 「2026年2月28日」).
 * A note mark at its end is not the title's.
 */
function titleLine(kids: RootContent[]): string | undefined {
  const blocks = kids.filter((n) => n.type !== 'yaml' && n.type !== 'html' && n.type !== 'thematicBreak' && plain(n).replace(/[\s\u00a0\u3000]+/g, ''));
  const first = blocks[0];
  if (first?.type !== 'paragraph' || roleOf(first)) return undefined;
  const text = plain(first).trim();
  if (text.includes('\n') || text.length > 50 || /[。！？；，：,;:!?]/.test(text) || DATE_LINE.test(text) || TITLE_PAGE_LINE.test(text)) return undefined;
  const dated = blocks.slice(1, 4).some((n) => n.type === 'paragraph' && DATE_LINE.test(plain(n).trim()) && plain(n).trim().length <= 40);
  return dated ? text.replace(/\s*(?:\[\d{1,3}\]|\[\^[^\]]+\])$/, '') || undefined : undefined;
}

/**
 * The book's metadata when there is no book.yaml: what the manuscript gives, the schema's
 * defaults for the rest. The title is never a placeholder (`书稿` as the last resort, with the
 * file name unknown); an unknown date stays undefined and is reported — never 1970.
 */
export function metaWithoutConfig(tree: Root, file: VFile): BookConfig {
  const m = metaFromManuscript(tree, file);
  if (!m.date) warn(file, '书稿没有给出日期（书稿开头的「2018 年 10 月」或前置元数据 date:）：扉页和版权信息不印日期；可在 book.yaml 中写 date');
  return defaultConfig({ ...(m as Partial<BookConfigInput>), title: m.title || '书稿', identifier: m.identifier ?? fallbackIdentifier(String(file.value)) });
}

const pos = (p: Place | undefined): SourcePosition => {
  if (!p) return { line: 1, column: 1 };
  const s = 'start' in p ? p.start : p;
  return { line: s.line, column: s.column };
};
const nodePos = (n: RootContent): SourcePosition => pos((n as { position?: { start: Place } }).position?.start);
const hash6 = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 6);
export const paperId = (index: number, title: string) => `p${String(index).padStart(2, '0')}-${hash6(title)}`;

/** A copy of a body node with adjacent text nodes merged (rules keep them apart to track positions). */
function compact<T extends RootContent>(node: T): T {
  if (!('children' in node)) return { ...node };
  const children: RootContent[] = [];
  for (const c of (node as unknown as { children: RootContent[] }).children) {
    const prev = children[children.length - 1];
    if (c.type === 'text' && prev?.type === 'text') {
      children[children.length - 1] = {
        ...prev,
        value: prev.value + c.value,
        position: prev.position && c.position ? { start: prev.position.start, end: c.position.end } : prev.position,
      };
    } else children.push(compact(c));
  }
  return { ...node, children } as T;
}

function warn(file: VFile, reason: string, place?: SourcePosition) {
  const m = withoutStack(() => file.message(reason, { place, ruleId: 'build-volume', source: 'juan' }));
  m.fatal = false;
}

/** Blocks of front text that carry words: not front matter, comments, rules or link definitions. */
const FRONT_BLOCKS = new Set(['paragraph', 'blockquote', 'list', 'table', 'code', 'math', 'heading']);
const squash = (s: string | undefined) => (s ?? '').replace(/\s+/g, '');

/**
 * Text before the first paper that the title page does not take — a 序, 前言 or 卷首语, an editor's
 * note — as front sections in manuscript order. A heading opens a section (its title); the 目录
 * ends one. Title-page material stays out: the headings that gave the book's title, subtitle or
 * genre (from book.yaml or the manuscript), organiser and date lines, roles the rules gave (目录,
 * 篇/章 lines, the document title).
 */
function frontSections(nodes: RootContent[], ...metas: Array<Partial<BookConfig>>): FrontSection[] {
  const titlePage = new Set(metas.flatMap((m) => [m.title, m.subtitle, m.genre]).filter(Boolean).map(squash));
  const sections: FrontSection[] = [];
  let open: FrontSection | null = null;
  let openDepth = 0;
  for (const n of nodes) {
    if (roleOf(n) === 'toc') { open = null; continue; }
    if (roleOf(n) || !FRONT_BLOCKS.has(n.type)) continue;
    const t = plain(n as never).trim();
    if (n.type === 'heading') {
      if (!t || titlePage.has(squash(t))) continue;
      // a heading below the section's own stays in its body (depth relative to it, 1 = first level)
      if (open?.title && n.depth > openDepth) {
        open.body.push({ ...compact(n), depth: Math.min(6, n.depth - openDepth) as Heading['depth'] });
        continue;
      }
      openDepth = n.depth;
      open = { id: `front-${sections.length + 1}`, title: t, body: [], position: nodePos(n) };
      sections.push(open);
      continue;
    }
    // an empty paragraph is skipped, not one with only an image or a link without text (its URL is content)
    if (n.type === 'paragraph' && ((!t && n.children.every((c) => c.type === 'text' || c.type === 'break')) || TITLE_PAGE_LINE.test(t))) continue;
    if (!open) {
      openDepth = 0;
      open = { id: `front-${sections.length + 1}`, title: null, body: [], position: nodePos(n) };
      sections.push(open);
    }
    open.body.push(compact(n));
  }
  return sections.filter((s) => s.title || s.body.length);
}

export function buildVolume(tree: Root, file: VFile, config?: BookConfig): Volume {
  const data = file.data;
  const heads = data.papers ?? [];
  const path = file.path ?? '';
  if (!heads.length)
    throw new JuanError('content', `书稿中没有找到任何论文正文`, {
      file: path,
      hint: '论文标题应是 Markdown 标题行（# 标题），后接作者单位和正文',
    });
  const fm = frontMatter(tree);
  const fmJuan = (fm?.juan ?? {}) as JuanFrontMatter;
  const meta = config ?? metaWithoutConfig(tree, file);
  const toc = data.toc;
  const dividers = toc ? [] : tree.children.filter((n) => roleOf(n) === 'part' || roleOf(n) === 'chapter');
  if (!toc && !dividers.length) warn(file, '书稿没有目录：篇、章结构无法确定，全部论文放在同一部分');

  // What the front matter stored per paper. It lists the papers in volume order, which is the body
  // order of a normalized manuscript: take the k-th entry when its title matches, else the first
  // unused one with the same title (titles can repeat, so never just the first with that title).
  const storedPapers = fmJuan.papers ?? [];
  const storedUsed = new Set<number>();
  const storedFor = (k: number, title: string) => {
    let i = storedPapers[k]?.title === title && !storedUsed.has(k) ? k : -1;
    if (i < 0) i = storedPapers.findIndex((p, j) => p.title === title && !storedUsed.has(j));
    if (i < 0) return undefined;
    storedUsed.add(i);
    return storedPapers[i];
  };

  // bodies, in body order
  const kids = tree.children;
  const indexOf = new Map<RootContent, number>(kids.map((n, i) => [n, i]));
  const starts = heads.map((h) => indexOf.get(h.node) ?? -1);
  const firstStart = starts.filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), kids.length);
  const front = frontSections(kids.slice(0, firstStart), meta, metaFromManuscript(tree, file));
  const papers: Array<{ paper: Paper; entry: number }> = [];
  heads.forEach((h, k) => {
    const from = starts[k];
    let to = from + 1;
    while (to < kids.length && !['paper-title', 'part', 'chapter', 'toc'].includes(roleOf(kids[to]) ?? '')) to++;
    const body: RootContent[] = [];
    let title = plain(h.node).trim();
    let subtitle: string | null = null;
    const dash = title.indexOf('——');
    if (dash > 0) { subtitle = title.slice(dash + 2).trim(); title = title.slice(0, dash).trim(); }
    let unit: string | null = null;
    for (let i = from + 1; i < to; i++) {
      const n = kids[i];
      const role = roleOf(n);
      if (role === 'paper-subtitle') { subtitle = plain(n).trim().replace(/^(?:——|—|--|－－)\s*/, ''); continue; }
      if (role === 'paper-unit') { unit = plain(n).trim(); continue; }
      // front matter is metadata, never text; a 目录 inside a paper is not printed either
      if (n.type === 'yaml' || role === 'toc' || role === 'front') continue;
      if (n.type === 'heading') {
        const level = juan(n).level ?? Math.max(1, Math.min(4, n.depth - h.node.depth));
        const copy: Heading = { ...compact(n), depth: level as Heading['depth'] };
        body.push(copy);
      } else body.push(compact(n));
    }
    const k2 = data.reconcile?.match[k] ?? -1;
    const entry = k2 >= 0 ? toc?.entries[k2] : undefined;
    const kind = data.reconcile?.kind[k];
    const stored = storedFor(k, title);
    const index = stored?.index ?? entry?.index ?? (toc ? toc.entries.length : 0) + k + 1;
    const last = body[body.length - 1];
    const truncated = !last || last.type === 'heading' || (last.type === 'paragraph' && !FINAL.test(plain(last)));
    if (truncated)
      warn(file, `论文「${title}」的正文似乎不完整：${!last ? '没有正文' : last.type === 'heading' ? `结尾是标题「${plain(last).trim()}」` : '最后一段没有结束'}`, last ? nodePos(last) : nodePos(h.node));
    papers.push({
      entry: k2,
      paper: {
        id: paperId(index, title),
        index,
        title,
        subtitle,
        unit,
        tocTitle: stored ? stored.tocTitle : kind === 'near' && entry ? entry.mainTitle : null,
        oldPage: stored ? stored.oldPage : entry?.oldPage ?? null,
        body,
        truncated,
        position: nodePos(h.node),
      },
    });
  });

  // structure: the 目录's 篇/章, or without a 目录 the body's own 篇/章 lines
  const parts = dividers.length ? partsFromBody(kids, papers.map((x) => x.paper), heads.map((h) => h.node)) : partsFromToc(papers, toc);
  const tocParts = toc?.parts ?? [];

  const missing: MissingPaper[] = [];
  for (const i of data.reconcile?.missing ?? []) {
    const e = toc!.entries[i];
    const tp = tocParts[e.part];
    const tc = tp?.chapters[e.chapter];
    missing.push({
      index: e.index,
      title: e.title,
      unit: e.unit,
      part: tp ? `${tp.label} ${tp.title}`.trim() : null,
      chapter: tc ? `${tc.label} ${tc.title}`.trim() : null,
      oldPage: e.oldPage,
      position: pos(e.position),
    });
  }
  for (const m of fmJuan.missing ?? []) if (!missing.some((x) => x.index === m.index)) missing.push({ ...m, position: { line: 1, column: 1 } });
  missing.sort((a, b) => a.index - b.index);

  resolveLocalLinks(papers.map((x) => x.paper), data.toc?.entries ?? [], (k) => data.reconcile?.match[k] ?? -1, file, front);
  return { meta, source: path, parts, missing, ...(front.length ? { front } : {}) };
}

/** Papers under the 篇 and 章 the 目录 lists them in (a paper it does not list goes with the one before it). */
function partsFromToc(papers: Array<{ paper: Paper; entry: number }>, toc: TocData | undefined): Part[] {
  const parts: Part[] = [];
  const partOf = new Map<number, Part>();
  const chapterOf = new Map<string, Chapter>();
  const tocParts = toc?.parts ?? [];
  // a paper the 目录 does not list goes with the listed paper before it — or, before the first
  // listed one, with that one (body order is 目录 order)
  const firstListed = papers.find((x) => x.entry >= 0);
  const firstEntry = firstListed ? toc!.entries[firstListed.entry] : undefined;
  let lastKey: [number, number] = firstEntry ? [firstEntry.part, firstEntry.chapter] : [-1, -1];
  for (const { paper, entry } of papers) {
    const e = entry >= 0 ? toc!.entries[entry] : undefined;
    const [pi, ci] = e ? [e.part, e.chapter] : lastKey;
    lastKey = [pi, ci];
    let part = partOf.get(pi);
    if (!part) {
      const tp = tocParts[pi];
      part = { id: `part-${pi + 1}`, label: tp?.label ?? '', title: tp?.title ?? '', chapters: [], position: tp ? pos(tp.position) : undefined };
      if (!tp) part.id = 'part-0';
      partOf.set(pi, part);
      parts.push(part);
    }
    const key = `${pi}/${ci}`;
    let chapter = chapterOf.get(key);
    if (!chapter) {
      const tc = tocParts[pi]?.chapters[ci];
      chapter = { id: `${part.id}-ch-${ci + 1}`, label: tc?.label || null, title: tc?.title || null, papers: [], position: tc ? pos(tc.position) : undefined };
      if (!tc) chapter.id = `${part.id}-ch-0`;
      chapterOf.set(key, chapter);
      part.chapters.push(chapter);
    }
    chapter.papers.push(paper);
  }
  // keep book order of parts/chapters as the 目录 gives it
  parts.sort((a, b) => Number(a.id.slice(5)) - Number(b.id.slice(5)));
  for (const p of parts) p.chapters.sort((a, b) => Number(a.id.split('-ch-')[1]) - Number(b.id.split('-ch-')[1]));
  return parts;
}

/**
 * Without a 目录, the body's own 篇/章 headings that open papers (paper-header leaves them dividers)
 * group the papers, in body order: a law's 「第二章 组织」 over its 第一节、第二节 had been dropped, title
 * and all. A 章 that is a unit itself closes the 章 before it (closesChapter).
 */
function partsFromBody(kids: RootContent[], papers: Paper[], nodes: RootContent[]): Part[] {
  const parts: Part[] = [];
  let part: Part | null = null;
  let chapter: Chapter | null = null;
  let chapters = 0;
  // `第二章　组织` → 第二章, 组织; a bare `第二章` is its own title (as a label only, it would not print)
  const split = (n: RootContent, re: RegExp) => {
    const t = plain(n).trim();
    const name = t.match(re)![2]!.trim();
    return name ? { label: t.slice(0, t.length - name.length).trim(), title: name } : { label: '', title: t };
  };
  const openPart = (n?: RootContent): Part => {
    part = n ? { id: `part-${parts.length + 1}`, ...split(n, PART_RE), chapters: [], position: nodePos(n) } : { id: 'part-0', label: '', title: '', chapters: [] };
    parts.push(part);
    chapter = null;
    return part;
  };
  const openChapter = (n?: RootContent): Chapter => {
    const within = part ?? openPart();
    const named = n ? split(n, CHAPTER_RE) : null;
    chapter = { id: `${within.id}-ch-${++chapters}`, label: named?.label || null, title: named?.title ?? null, papers: [], ...(n ? { position: nodePos(n) } : {}) };
    within.chapters.push(chapter);
    return chapter;
  };
  const paperAt = new Map(nodes.map((n, k) => [n, papers[k]!]));
  for (const n of kids) {
    const role = roleOf(n);
    if (role === 'part') openPart(n);
    else if (role === 'chapter') openChapter(n);
    const paper = paperAt.get(n);
    if (!paper) continue;
    const current = chapter as Chapter | null;
    (current && !closesChapter(plain(n).trim(), current) ? current : openChapter()).papers.push(paper);
  }
  // a 篇 or 章 heading with no paper after it (the manuscript's last line) heads nothing, as before
  for (const p of parts) p.chapters = p.chapters.filter((c) => c.papers.length);
  return parts.filter((p) => p.chapters.length);
}

/** A link into the manuscript's own files or anchors (not a URL with a scheme). */
const LOCAL_LINK = /^(?![a-z][a-z0-9+.-]*:|\/\/)/i;
const fileKey = (url: string) => decodeURIComponent(url.split('#')[0]!.split('?')[0]!).split('/').pop()!.replace(/\.(?:md|markdown|html?)$/i, '').toLowerCase();

/**
 * Links to the manuscript's other files (`issue-12.md`, `../docs/a.md#x`) point to the paper that
 * file became — the 目录's links say which file each paper came from — as `#paper-id` (the print
 * anchor; the EPUB writer turns it into the paper's file). Any other local link (a file not in
 * the book, an anchor we do not keep) becomes plain text, with a warning: a dead link in the
 * EPUB is an error, and in print it leads nowhere.
 */
function resolveLocalLinks(papers: Paper[], entries: Array<{ href?: string | null }>, entryOf: (k: number) => number, file: VFile, front: FrontSection[] = []): void {
  const byFile = new Map<string, string>();
  papers.forEach((p, k) => {
    const href = entries[entryOf(k)]?.href;
    if (href && href.split('#')[0]) byFile.set(fileKey(href), p.id);
  });
  // A node whose content changes here loses its recorded source (`data.juanSource`, source.ts), and so
  // does every node around it: the normalized-Markdown writer must write the new link or plain text,
  // and no copy of the old destination may stay in the model. Untouched nodes inside keep theirs.
  const unsettle = (n: { data?: Record<string, unknown> }): void => {
    if (n.data?.juanSource) delete n.data.juanSource;
  };
  /** Rewrites the links under `parent`; true when anything under it changed. */
  const walk = (parent: { children?: RootContent[]; data?: Record<string, unknown> }): boolean => {
    if (!parent.children) return false;
    let changed = false;
    parent.children = parent.children.flatMap((n): RootContent[] => {
      if (n.type === 'link' && LOCAL_LINK.test(n.url) && n.url.trim()) {
        changed = true;
        const id = n.url.split('#')[0] ? byFile.get(fileKey(n.url)) : undefined;
        if (id) {
          walk(n as { children?: RootContent[] });
          const data = { ...n.data } as Record<string, unknown>;
          delete data.juanSource;
          return [{ ...n, url: `#${id}`, data }];
        }
        warn(file, `链接「${plain(n).trim() || n.url}」指向书稿中找不到的文件或位置（${n.url}），已改为纯文字`, nodePos(n));
        walk(n as { children?: RootContent[] });
        return n.children as RootContent[];
      }
      if (walk(n as { children?: RootContent[] })) changed = true;
      return [n];
    });
    if (changed) unsettle(parent);
    return changed;
  };
  // the papers' bodies and the front text's (a web page saved as Markdown opens with the site's own links: `/english/`)
  for (const p of [...papers, ...front]) {
    const holder: { children?: RootContent[] } = { children: p.body };
    walk(holder);
    p.body = holder.children!;
  }
}
