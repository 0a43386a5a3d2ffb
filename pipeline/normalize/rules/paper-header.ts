/**
 * paper-header — finds the papers in the body: the title heading, a subtitle (`——…` right after the
 * title, as a heading or a paragraph, or after `——` inside the title line) and the byline unit
 * (the short line after title/subtitle, checked against the 目录's unit). Marks the nodes with their
 * role; records `file.data.papers`. 篇/章 headings in the body (normalized files) are marked too.
 * A subtitle recovered from a heading → info; a paper without a unit line or a unit that differs from
 * the 目录 → warning.
 */
import type { Heading, RootContent } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { CHAPTER_RE, PART_RE, juan, numberingLevel, plain, roleOf } from '../text.ts';
import { storedPaperTitles } from './toc-entries.ts';
import type { PaperHead, Structure } from '../../model/normalized.ts';
import { LEADER } from './toc-entries.ts';

export type { PaperHead } from '../../model/normalized.ts';

export const examples: RuleExamples = {
  ok: ['# 科技创新与高质量发展\n\n——我市科技创新的成效\n\n市科技局\n\n正文。\n'],
  notOk: [
    { in: '# 科技创新与高质量发展\n\n## ——我市科技创新的成效\n\n市科技局\n\n正文。\n', messages: ['3:1 paper-header'] },
    { in: '# 科技创新与高质量发展\n\n当前经济转型主要有两条主线，一条是从旧动能转向新动能。\n', messages: ['1:1 paper-header'] },
    // half-width `:` is no unit line either (fullwidth-punctuation makes it `：`, and the re-read then
    // found no unit: fuzz counterexample)
    { in: '# 论文甲\n\n正文:冒号\n', messages: ['1:1 paper-header'] },
    // nor a 目录 line with a leader (written as the unit into the regenerated 目录, it parsed differently)
    { in: '# 论文甲\n\n论文乙……市乙局（02）\n', messages: ['1:1 paper-header'] },
    // a subtitle is one line (fuzz counterexample: the rest of the paragraph went into the 目录 line)
    { in: '# 论文甲\n——副标题\n**(1) 要点。**内容。\n', messages: ['1:1 paper-header'] },
  ],
};

export const norm = (s: string) => s.replace(/[\s\p{P}\p{S}]/gu, '');
const SUB_RE = /^(?:——|—|--|－－)\s*/;

/**
 * A byline: short, one line, no sentence punctuation (half-width too: this runs before
 * fullwidth-punctuation) and no 目录 leader (`title……unit（02）` is a stray 目录 line).
 */
export function isUnitLine(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && t.length <= 30 && !t.includes('\n') && !/[。，；！？：,;!?:]/.test(t) && !LEADER.test(t) && numberingLevel(t) === 0 && !t.startsWith('*');
}

export default defineRule({ id: 'paper-header' }, (tree, file, ctx) => {
  const toc = file.data.toc;
  const kids = tree.children;
  let begin = 0;
  for (let i = 0; i < kids.length; i++) if (roleOf(kids[i]) === 'toc') begin = i + 1;
  // our own normalized manuscript (`juan:` in the front matter)
  const ours = kids.some((n) => n.type === 'yaml' && /^juan:/m.test(n.value));
  const tocTitles = new Set(toc?.entries.flatMap((e) => [norm(e.title), norm(e.mainTitle)]) ?? []);
  // first 目录 entry per normalized title / main title (normalized once, not per paper)
  const byTitle = new Map<string, number>();
  const byMain = new Map<string, number>();
  toc?.entries.forEach((e, i) => {
    const t = norm(e.title);
    const m = norm(e.mainTitle);
    if (!byTitle.has(t)) byTitle.set(t, i);
    if (!byMain.has(m)) byMain.set(m, i);
  });
  const entryOf = (full: string, main: string) => {
    const k = Math.min(byTitle.get(norm(full)) ?? Infinity, byMain.get(norm(main)) ?? Infinity);
    return k === Infinity ? undefined : toc!.entries[k];
  };
  const isCandidate = (n: RootContent): n is Heading => {
    if (n.type !== 'heading') return false;
    const t = plain(n).trim();
    return !!t && numberingLevel(t) === 0 && !PART_RE.test(t) && !CHAPTER_RE.test(t) && !SUB_RE.test(t);
  };
  // Which heading depth introduces the units: the one most 目录 titles are found at; without a
  // usable 目录, the shallowest depth used by at least two unnumbered headings — not the first
  // depth met (a `## 2025` above the issues would make every `##` a paper). One title heading
  // above numbered or unnumbered sections, with no byline under it, is a single long document:
  // its title is the book's, its top-level sections are the units.
  // numbered headings count for the structure (a document's sections), not as paper titles
  const cands: Heading[] = [];
  for (let i = begin; i < kids.length; i++) {
    const n = kids[i]!;
    if (n.type !== 'heading') continue;
    const t = plain(n).trim();
    if (isCandidate(n) || (t && numberingLevel(t) > 0)) cands.push(n);
  }
  /** The 目录 titles a heading's title is (or contains). */
  const tocMatches = (text: string): string[] => {
    const t = norm(text);
    return [...tocTitles].filter((e) => e === t || (e.length >= 4 && t.includes(e)));
  };
  const matchesToc = (text: string) => tocMatches(text).length > 0;
  let titleDepth = 0;
  let structure: Structure = 'papers';
  let docTitle: Heading | null = null;
  if (toc?.entries.length) {
    const hits = new Map<number, number>();
    for (const c of cands) if (matchesToc(plain(c))) hits.set(c.depth, (hits.get(c.depth) ?? 0) + 1);
    let best = 0;
    for (const [d, k] of hits) if (k > best || (k === best && d < titleDepth)) { best = k; titleDepth = d; }
  }
  if (!titleDepth && cands.length) {
    const top = Math.min(...cands.map((c) => c.depth));
    const atTop = cands.filter((c) => c.depth === top);
    const rest = cands.filter((c) => c.depth > top);
    const unitDepth = rest.length ? Math.min(...rest.map((c) => c.depth)) : 0;
    const byline = (() => {
      const k = kids.indexOf(atTop[0]!);
      const next = kids[k + 1];
      // a date line under a title (`2021年12月24日 …通过`) is no byline
      return next?.type === 'paragraph' && isUnitLine(plain(next)) && !/^\d{4}\s*年/.test(plain(next).trim());
    })();
    if (atTop.length === 1 && atTop[0] === cands[0] && rest.filter((c) => c.depth === unitDepth).length >= 2 && !byline) {
      structure = 'document';
      docTitle = atTop[0]!;
      titleDepth = unitDepth;
    } else {
      const counts = new Map<number, number>();
      for (const c of cands) if (numberingLevel(plain(c)) === 0) counts.set(c.depth, (counts.get(c.depth) ?? 0) + 1);
      const twice = [...counts].filter(([, k]) => k >= 2).map(([d]) => d);
      titleDepth = twice.length ? Math.min(...twice) : counts.size ? Math.min(...counts.keys()) : top;
      // only numbered headings (`# 一、绪论` … after a title page): they are the document's units
      if (!counts.size) structure = 'document';
    }
  }
  const claimed = new Set(cands.filter((c) => c.depth === titleDepth && isCandidate(c)).flatMap((c) => tocMatches(plain(c))));
  const papers: PaperHead[] = [];
  file.data.structure = structure;
  if (docTitle) {
    // The document's title heads a unit only when text comes before its first section.
    const k = kids.indexOf(docTitle);
    const preamble = kids.slice(k + 1).findIndex((c) => c.type === 'heading');
    const hasBody = kids.slice(k + 1, preamble < 0 ? kids.length : k + 1 + preamble).some((c) => c.type !== 'yaml' && c.type !== 'html' && c.type !== 'thematicBreak');
    if (hasBody) {
      juan(docTitle).role = 'paper-title';
      papers.push({ node: docTitle, title: plain(docTitle).trim(), subtitle: null, unit: null });
    } else juan(docTitle).role = 'front';
  }
  // A 第X篇 / 第X章 heading with text of its own under it, before the next paper, part or chapter, is a
  // unit: a law's 「第一章 总则」 and its articles. Only a heading that just opens the papers after it
  // divides the volume — as a divider, the text under it would belong to no paper and be lost. In our
  // own normalized manuscript the front matter says which of them were units. Decided from the roles
  // the loop below has given so far: for a divider before a paper, everything up to that paper.
  const stored = storedPaperTitles(file);
  const dividerText = (i: number): { own: RootContent; unit: boolean } | null => {
    const n = kids[i]!;
    const role = roleOf(n);
    if (n.type !== 'heading' || (role !== 'part' && role !== 'chapter')) return null;
    let own: RootContent | null = null;
    let j = i + 1;
    for (; j < kids.length; j++) {
      const r = roleOf(kids[j]!);
      if (r === 'paper-title' || r === 'part' || r === 'chapter' || r === 'toc') break;
      if (!own && kids[j]!.type !== 'heading' && kids[j]!.type !== 'yaml' && kids[j]!.type !== 'html' && plain(kids[j]!).trim()) own = kids[j]!;
    }
    if (!own) return null;
    if (roleOf(kids[j] ?? n) !== 'paper-title') return { own, unit: true };
    // the paper the front matter lists at this place (in order: a 章 may share a paper's title)
    const at = kids.slice(begin, i).filter((k) => roleOf(k) === 'paper-title').length + unitsBefore(i);
    return { own, unit: stored[at] === plain(n).trim() };
  };
  /** Dividers before `i` that are units: papers in the 目录 before the paper at `i` (our 目录 lists papers in order). */
  const unitsBefore = (i: number) => {
    let k = 0;
    for (let d = begin; d < i; d++) if (dividerText(d)?.unit) k++;
    return k;
  };
  for (let i = begin; i < kids.length; i++) {
    const n = kids[i];
    if (n.type === 'heading') {
      const t = plain(n).trim();
      if (PART_RE.test(t)) { juan(n).role = 'part'; continue; }
      if (CHAPTER_RE.test(t)) { juan(n).role = 'chapter'; continue; }
    }
    if (n === docTitle) continue;
    if (structure === 'document') {
      if (n.type !== 'heading' || n.depth !== titleDepth || !plain(n).trim()) continue;
      juan(n).role = 'paper-title';
      papers.push({ node: n, title: plain(n).trim(), subtitle: null, unit: null });
      continue;
    }
    // a numbered title is a paper's only when the 目录 lists it at the papers' depth (a
    // document's sections, as our normalized manuscript writes them back)
    const numberedUnit = n.type === 'heading' && n.depth === titleDepth && tocTitles.has(norm(plain(n).trim())) && numberingLevel(plain(n).trim()) > 0;
    if (!isCandidate(n) && !numberedUnit) continue;
    const text = plain(n).trim();
    // a heading off the papers' depth is a paper only when it is exactly a 目录 title that no
    // heading at the papers' depth already stands for (an OCR'd `##` paper title)
    if (n.depth !== titleDepth && !(tocTitles.has(norm(text)) && !claimed.has(norm(text)))) continue;
    juan(n).role = 'paper-title';
    const head: PaperHead = { node: n, title: text, subtitle: null, unit: null };
    const inTitle = text.search(/——/);
    if (inTitle > 0) {
      head.title = text.slice(0, inTitle).trim();
      head.subtitle = text.slice(inTitle).replace(SUB_RE, '').trim();
      ctx.info(`标题行中的副标题已拆出：「${head.subtitle}」`, ctx.at(n, inTitle));
    }
    // Our own normalized manuscript writes a paper's subtitle and unit into its 目录 line and as the
    // lines under its title, and nothing there when the paper has none: what follows is then body
    // text (fuzz counterexamples: a document's section `一、总述` followed by its text `单位` or
    // `——副标题`). Its 目录 lines are in paper order, one per paper: a repeated title is matched by place.
    const own0 = ours ? toc?.entries[papers.length + unitsBefore(i)] : undefined;
    const own = own0 && norm(own0.mainTitle) === norm(head.title) ? own0 : undefined;
    let j = i + 1;
    const next = kids[j];
    // a subtitle is one line (a `——…` paragraph that goes on is body text)
    if (!head.subtitle && !(own && own.subtitle == null) && next && (next.type === 'heading' || next.type === 'paragraph') && SUB_RE.test(plain(next).trim()) && !plain(next).trim().includes('\n')) {
      head.subtitle = plain(next).trim().replace(SUB_RE, '').trim();
      head.subtitleNode = next;
      juan(next).role = 'paper-subtitle';
      if (next.type === 'heading') ctx.info(`标题行「${plain(next).trim()}」是论文副标题，不是节标题`, ctx.at(next));
      j++;
    }
    const u = kids[j];
    const entry = entryOf(head.title + (head.subtitle ?? ''), head.title);
    const noUnit = own != null && own.unit == null;
    if (!noUnit && u && u.type === 'paragraph' && isUnitLine(plain(u))) {
      head.unit = plain(u).trim();
      head.unitNode = u;
      juan(u).role = 'paper-unit';
      if (entry?.unit && norm(entry.unit) !== norm(head.unit))
        ctx.warn(`作者单位与目录不一致：正文「${head.unit}」，目录「${entry.unit}」`, ctx.at(u));
    } else if (!noUnit) {
      ctx.warn(`论文「${head.title}」标题后没有找到作者单位行`, ctx.at(n));
    }
    papers.push(head);
  }
  const before = papers.length;
  for (let i = begin; i < kids.length; i++) {
    const divider = dividerText(i);
    if (!divider) continue;
    const n = kids[i] as Heading;
    if (!divider.unit) {
      // papers follow: it divides the volume, and the text under it belongs to no paper (the model has no place for a 篇's own text)
      ctx.warn(`「${plain(n).trim()}」与其后第一篇论文之间的文字不属于任何论文，不会印出：「${plain(divider.own).trim().slice(0, 20)}…」`, ctx.at(divider.own));
      continue;
    }
    juan(n).role = 'paper-title';
    papers.push({ node: n, title: plain(n).trim(), subtitle: null, unit: null });
  }
  // one title above such 章 is a single document's (a law's name): the book's title, its 章 the units
  if (papers.length > before && before <= 1 && (before === 0 || (papers[0]!.node.type === 'heading' && papers[0]!.node.depth === 1))) file.data.structure = 'document';
  papers.sort((a, b) => kids.indexOf(a.node) - kids.indexOf(b.node));
  file.data.papers = papers;
});
