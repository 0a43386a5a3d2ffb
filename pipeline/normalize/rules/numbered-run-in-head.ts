/**
 * numbered-run-in-head — paragraphs numbered 「1、」「2、」「3、」… in sequence are heads of the level
 * below （一） (GB/T 9704: 一、 → （一） → 1. → （1）), written as plain text by the OCR. They become
 * bold run-in heads, `**1、创新氛围不断优化。**创新驱动…`, the form html.ts prints as `numbering-3`,
 * so they look like 「1.」 heads written in bold elsewhere.
 *
 * Evidence, all of it required (otherwise nothing is touched):
 * - only a paragraph's start counts (an enumeration inside a sentence is never read);
 * - the numbered paragraphs between two headings run 1、2、3、… without a gap or repeat (a new run may
 *   start at 1), at least two of them — or a lone 「1、」 of a shape such a run of the same paper proved;
 * - every item of the run is head-shaped: either a short lead sentence (2–25 characters, ending in
 *   。！？, no ；：) followed by the body in the same paragraph, or a short line of its own (≤ 30
 *   characters, not ending in ，；、：) followed by a paragraph that is not numbered (its body), or by
 *   the body on the next lines of the same paragraph.
 * A run of short lines with nothing between them is a list, not heads, and is left alone.
 */
import type { Nodes, Paragraph, PhrasingContent, Root, RootContent, Strong, Text } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { clip, plain, roleOf, splitText } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    // already bold
    '**1、创新氛围不断优化。**创新驱动。\n\n**2、创新能力不断提升。**目前。\n',
    // a list of short items with no body between them: a list, not heads
    '1、加强组织领导；\n\n2、完善政策体系；\n\n3、强化督查考核。\n',
    // one numbered paragraph is not a run (and no run of the paper shows heads of its shape)
    '1、创新氛围不断优化。创新驱动上升为核心战略。\n\n正文。\n',
    // a gap in the numbering (1、3、): no evidence
    '1、创新氛围不断优化。创新驱动。\n\n3、创新体系不断健全。创新企业。\n',
    // the lead is a long sentence: an enumerated paragraph, not a head
    '1、我市财政科技经费占财政支出比重每年都保持在百分之五以上并逐年提高。其次。\n\n2、企业研发投入连续三年保持高位增长。再次。\n',
    // numbering inside a paragraph is never read
    '主要有：1、创新氛围不断优化。2、创新能力不断提升。\n',
    // a bare number with nothing after it
    '1、\n\n引文。\n\n2、\n\n引文。\n',
  ],
  notOk: [
    {
      in: '#### （一）发展成就\n\n1、创新氛围不断优化。创新驱动上升为核心战略。\n\n2、创新能力不断提升。目前我市有四个全省前列。\n\n续段。\n\n3、创新体系不断健全。现有科技型企业。\n',
      out: '#### （一）发展成就\n\n**1、创新氛围不断优化。**创新驱动上升为核心战略。\n\n**2、创新能力不断提升。**目前我市有四个全省前列。\n\n续段。\n\n**3、创新体系不断健全。**现有科技型企业。\n',
      messages: ['3:1 numbered-run-in-head', '5:1 numbered-run-in-head', '9:1 numbered-run-in-head'],
    },
    // short lines of their own, each followed by its body (a link in the head is kept as it is)
    {
      in: '# 科技周刊\n\n市甲局\n\n## 文章\n\n1、[寻找 Bug 的经历](https://example.com/a)（英文）\n\n作者用 AI 寻找编译器的 Bug。\n\n2、负载均衡的节点健康检查\n\n本文介绍负载均衡。\n\n## 工具\n\n1、甲\n\n乙。\n\n# 另一期周刊\n\n市乙局\n\n正文。\n',
      out: '# 科技周刊\n\n市甲局\n\n## 文章\n\n**1、[寻找 Bug 的经历](https://example.com/a)（英文）**\n\n作者用 AI 寻找编译器的 Bug。\n\n**2、负载均衡的节点健康检查**\n\n本文介绍负载均衡。\n\n## 工具\n\n**1、甲**\n\n乙。\n\n# 另一期周刊\n\n市乙局\n\n正文。\n',
      // the lone 「1、甲」 under 工具 has the shape the run under 文章 proved
      messages: ['7:1 numbered-run-in-head', '11:1 numbered-run-in-head', '17:1 numbered-run-in-head'],
    },
    // the head on the first line, the body on the next lines of the same paragraph
    {
      in: '1、[内存涨价的原因](https://example.com/m)（英文）\n内存由三家厂商生产。\n\n2、[预热你的 MacBook](https://example.com/b)\n一篇很冷的文章。\n',
      out: '**1、[内存涨价的原因](https://example.com/m)（英文）**\n内存由三家厂商生产。\n\n**2、[预热你的 MacBook](https://example.com/b)**\n一篇很冷的文章。\n',
      messages: ['1:1 numbered-run-in-head', '4:1 numbered-run-in-head'],
    },
    // …but not a lone 「1、」 in another paper
    {
      in: '# 甲文题目\n\n市甲局\n\n## 文章\n\n1、甲项\n\n乙。\n\n2、丙项\n\n丁。\n\n# 乙文题目\n\n市乙局\n\n## 工具\n\n1、戊项\n\n己。\n',
      out: '# 甲文题目\n\n市甲局\n\n## 文章\n\n**1、甲项**\n\n乙。\n\n**2、丙项**\n\n丁。\n\n# 乙文题目\n\n市乙局\n\n## 工具\n\n1、戊项\n\n己。\n',
      messages: ['7:1 numbered-run-in-head', '11:1 numbered-run-in-head'],
    },
  ],
};

const NUM = /^(\d{1,2})、/;
const LEAD_STOP = /[。！？]/;
const MAX_LEAD = 25;
const MAX_LINE = 30;

const chars = (s: string) => [...s.replace(/\s+/g, '')].length;

interface Item { p: Paragraph; n: number; bold: boolean }

/** The number a paragraph starts with (plain text or an existing bold head), or 0. */
function numberOf(p: Paragraph): { n: number; bold: boolean } | null {
  const first = p.children[0];
  const text = first?.type === 'text' ? first.value : first?.type === 'strong' && first.children[0]?.type === 'text' ? first.children[0].value : '';
  const m = NUM.exec(text);
  return m ? { n: Number(m[1]), bold: first!.type === 'strong' } : null;
}

/** Where the lead sentence of a numbered paragraph ends (after its stop), or -1 if it is not head-shaped. */
function leadEnd(p: Paragraph): number {
  const first = p.children[0];
  if (first?.type !== 'text') return -1;
  const m = NUM.exec(first.value)!;
  const stop = first.value.slice(m[0].length).search(LEAD_STOP);
  if (stop < 0) return -1;
  const lead = first.value.slice(m[0].length, m[0].length + stop);
  if (chars(lead) < 2 || chars(lead) > MAX_LEAD || /[；：;:]/.test(lead)) return -1;
  const end = m[0].length + stop + 1;
  // the body follows in the same paragraph
  const rest = first.value.slice(end) + p.children.slice(1).map((c) => plain(c as Nodes)).join('');
  return rest.trim() ? end : -1;
}

const isShortLine = (text: string) => {
  const body = text.trim().replace(NUM, '');
  return chars(body) >= 1 && chars(body) <= MAX_LINE && !/[，；、：,;:]$/.test(body) && !/。./.test(body);
};

/** A short line of its own, followed by a body paragraph that is not numbered. */
function isHeadLine(p: Paragraph, next: RootContent | undefined): boolean {
  if (!isShortLine(plain(p))) return false;
  return next?.type === 'paragraph' && !numberOf(next) && !!plain(next).trim();
}

/**
 * A short first line with the body on the next lines of the same paragraph (`1、[标题](…)（英文）⏎正文…`):
 * [index of the child holding the line break, index of the break in it], or null.
 */
function headLineBreak(p: Paragraph): [number, number] | null {
  let line = '';
  for (const [k, c] of p.children.entries()) {
    const at = c.type === 'text' ? c.value.indexOf('\n') : -1;
    if (at < 0) {
      if (c.type === 'break') return null;
      line += plain(c as Nodes);
      continue;
    }
    const rest = (c as Text).value.slice(at) + p.children.slice(k + 1).map((x) => plain(x as Nodes)).join('');
    return k && isShortLine(line + (c as Text).value.slice(0, at)) && rest.trim() ? [k, at] : null;
  }
  return null;
}

export default defineRule({ id: 'numbered-run-in-head' }, (tree: Root, file, ctx) => {
  // sections between two headings, grouped by paper (a paper title opens a new paper)
  const papers: Array<Array<Array<{ node: RootContent; i: number }>>> = [[[]]];
  tree.children.forEach((node, i) => {
    if (roleOf(node) === 'paper-title') papers.push([[]]);
    else if (node.type === 'heading' || roleOf(node) === 'toc') papers[papers.length - 1]!.push([]);
    else papers[papers.length - 1]!.at(-1)!.push({ node, i });
  });
  for (const sections of papers) {
    const runs: Array<Array<Item & { i: number }>> = [];
    for (const section of sections) {
      const items: Array<Item & { i: number }> = [];
      for (const { node, i } of section) {
        if (node.type !== 'paragraph' || roleOf(node)) continue;
        const num = numberOf(node);
        if (num) items.push({ p: node, i, ...num });
      }
      // 1、2、3、… (a run may restart at 1); anything else: no evidence in this section
      if (!items.length || items.some((it, k) => it.n !== (k && it.n !== 1 ? items[k - 1]!.n + 1 : 1))) continue;
      for (const it of items) (it.n === 1 ? runs.push([it]) : runs.at(-1)!.push(it));
    }
    const shapesOf = (run: Array<Item & { i: number }>) =>
      run.map((it) => (it.bold ? 'bold' : leadEnd(it.p) >= 0 ? 'lead' : isHeadLine(it.p, tree.children[it.i + 1]) || headLineBreak(it.p) ? 'line' : null));
    // a run of two or more head-shaped items is the evidence; a lone 「1、」 of the same shape in the
    // same paper is a head too (the paper's other lists show how it writes its heads)
    const proven = new Set(runs.filter((r) => r.length >= 2).map(shapesOf).filter((s) => !s.includes(null)).flat());
    for (const run of runs) {
      const shapes = shapesOf(run);
      if (shapes.includes(null) || (run.length < 2 && !proven.has(shapes[0]!))) continue;
      for (const [k, it] of run.entries()) {
        const first = it.p.children[0] as Text;
        if (shapes[k] === 'bold' || !ctx.allowed(ctx.at(first, 0))) continue;
        if (shapes[k] === 'lead') {
          const [head, tail] = splitText(file, first, leadEnd(it.p));
          const strong: Strong = { type: 'strong', children: [head], position: first.position };
          const rest: Text[] = tail.value ? [tail] : [];
          it.p.children.splice(0, 1, strong, ...rest);
          ctx.info(`段首编号的小标题已加粗：「${clip(head.value, 20)}」`, ctx.at(first, 0));
        } else if (headLineBreak(it.p)) {
          // the head is the first line; the body goes on after the line break
          const [k, at] = headLineBreak(it.p)!;
          const [head, tail] = splitText(file, it.p.children[k] as Text, at);
          const strong: Strong = { type: 'strong', children: [...it.p.children.slice(0, k), ...(head.value ? [head] : [])], position: it.p.position };
          it.p.children.splice(0, k + 1, strong, tail);
          ctx.info(`段首一行的编号小标题已加粗：「${clip(plain(strong), 20)}」`, ctx.at(first, 0));
        } else {
          const strong: Strong = { type: 'strong', children: it.p.children as PhrasingContent[], position: it.p.position };
          it.p.children = [strong];
          ctx.info(`单独一行的编号小标题已加粗：「${clip(plain(strong), 20)}」`, ctx.at(first, 0));
        }
      }
    }
  }
});
