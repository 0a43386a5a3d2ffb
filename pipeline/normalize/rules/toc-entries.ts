/**
 * toc-entries — parses the 目录 section: the `目录` heading, 篇 and 章 lines (headings or paragraphs),
 * and one entry per line in every leader/number style found in real books:
 * `title.....<TAB>unit (01)`, `title<TAB>unit<TAB>(141)`, `title……unit（01）`, `title···unit 141`, `title unit`.
 * Results go to `file.data.toc`; the section's nodes are marked role `toc` (writers regenerate the 目录).
 * Summary → info; a line that cannot be parsed → warning.
 */
import type { Heading, Paragraph, RootContent } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { CHAPTER_RE, PART_RE, juan, plain, type Place } from '../text.ts';
import { fixPunctuation } from './fullwidth-punctuation.ts';

export interface TocPart { label: string; title: string; position: Place; chapters: TocChapter[] }
export interface TocChapter { label: string; title: string; position: Place }
export interface TocEntry {
  /** 1-based position in the 目录. */
  index: number;
  /** The full title line (title——subtitle). */
  title: string;
  mainTitle: string;
  subtitle: string | null;
  unit: string | null;
  oldPage: string | null;
  /** Index into parts (-1: before any 篇). */
  part: number;
  /** Index into the part's chapters (-1: no 章). */
  chapter: number;
  position: Place;
}
export interface TocData { position: Place; parts: TocPart[]; entries: TocEntry[] }

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

export default defineRule({ id: 'toc-entries' }, (tree, file, ctx) => {
  const kids = tree.children;
  const start = kids.findIndex(
    (n) => (n.type === 'heading' || n.type === 'paragraph') && /^目\s*录$/.test(plain(n).replace(/[\s\u3000]/g, ' ').trim()),
  );
  if (start < 0) return;
  const head = kids[start] as Heading | Paragraph;
  // our own normalized manuscript (`juan:` in the front matter) writes a paper without unit or page
  // as its bare title: a 目录 line there, not junk
  const ours = kids.some((n) => n.type === 'yaml' && /^juan:/m.test(n.value));
  const parseLine = (line: string) => parseTocLine(line) ?? (ours && line.trim() ? { title: line.trim(), unit: null, page: null } : null);
  const depth = head.type === 'heading' ? head.depth : 0;
  const toc: TocData = { position: ctx.at(head), parts: [], entries: [] };
  juan(head).role = 'toc';
  let part = -1;
  let chapter = -1;
  let i = start + 1;
  for (; i < kids.length; i++) {
    const node: RootContent = kids[i];
    if (node.type === 'heading' && depth && node.depth <= depth) break;
    if (node.type !== 'heading' && node.type !== 'paragraph') {
      if (node.type === 'yaml' || node.type === 'html') continue;
      break;
    }
    const text = plain(node).trim();
    const pm = text.match(PART_RE);
    const cm = text.match(CHAPTER_RE);
    if (pm && !text.includes('\n')) {
      toc.parts.push({ label: `第${pm[1]}篇`, title: pm[2].trim(), position: ctx.at(node), chapters: [] });
      part = toc.parts.length - 1;
      chapter = -1;
      juan(node).role = 'toc';
      continue;
    }
    if (cm && !text.includes('\n')) {
      if (part < 0) {
        toc.parts.push({ label: '', title: '', position: ctx.at(node), chapters: [] });
        part = 0;
      }
      toc.parts[part].chapters.push({ label: `第${cm[1]}章`, title: cm[2].trim(), position: ctx.at(node) });
      chapter = toc.parts[part].chapters.length - 1;
      juan(node).role = 'toc';
      continue;
    }
    if (node.type === 'heading') break;
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
      const title = fixPunctuation(entry.title).text;
      const unit = entry.unit == null ? null : fixPunctuation(entry.unit).text;
      if (title !== entry.title || unit !== entry.unit)
        ctx.info(`目录条目中的半角标点已改为全角：「${entry.title}」「${entry.unit ?? ''}」`, place);
      const dash = title.search(/——/);
      toc.entries.push({
        index: toc.entries.length + 1,
        title,
        mainTitle: dash > 0 ? title.slice(0, dash).trim() : title,
        subtitle: dash > 0 ? title.slice(dash).replace(/^—+/, '').trim() || null : null,
        unit,
        oldPage: entry.page,
        part,
        chapter,
        position: place,
      });
    });
  }
  (file.data as { toc?: TocData }).toc = toc;
  const chapters = toc.parts.reduce((s, p) => s + p.chapters.length, 0);
  ctx.info(`目录解析完成：${toc.entries.length} 条论文，${toc.parts.filter((p) => p.label).length} 篇，${chapters} 章`, ctx.at(head));
});
