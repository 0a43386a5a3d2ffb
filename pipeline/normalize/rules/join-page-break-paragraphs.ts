/**
 * join-page-break-paragraphs — paragraphs the OCR cut at an old page break are joined: a body paragraph
 * that does not end a sentence (。！？…”」』）》：；) followed by a paragraph that is not a heading, not a
 * run-in head (starts bold) and not a numbered item (一、 （一） 1、 （1）). Also before digits
 * (`产值从` + `2003年`). Never across headings, paper headers or finished sentences. Certain → info.
 * Runs before run-in-head-style (a page break can cut a `**…**` head) and fullwidth-punctuation.
 */
import type { Paragraph, RootContent } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { numberingLevel, plain, roleOf, textNodes } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    '# 题目\n\n市甲局\n\n第一段结束。\n\n第二段。\n',
    '# 题目\n\n市甲局\n\n第一段没有结束\n\n## 一、标题\n\n正文。\n',
    '# 题目\n\n市甲局\n\n第一段没有结束\n\n**（一）小标题。**正文。\n',
    '# 题目\n\n市甲局\n\n第一段没有结束\n\n1、条目。\n',
  ],
  notOk: [
    { in: '# 题目\n\n市甲局\n\n衡量人民幸\n\n福感的重要指标之一。\n', out: '# 题目\n\n市甲局\n\n衡量人民幸福感的重要指标之一。\n', messages: ['5:6 join-page-break-paragraphs'] },
    { in: '# 题目\n\n市甲局\n\n产值从\n\n2003年的96亿元。\n', out: '# 题目\n\n市甲局\n\n产值从2003年的96亿元。\n', messages: ['5:4 join-page-break-paragraphs'] },
    { in: '# 题目\n\n市甲局\n\n甲\n\n乙\n\n丙。\n', out: '# 题目\n\n市甲局\n\n甲乙丙。\n', messages: ['5:2 join-page-break-paragraphs', '7:2 join-page-break-paragraphs'] },
  ],
};

/** Ends a sentence (text.ts FINAL plus half-width `: ; )`: this rule runs before fullwidth-punctuation). */
const ENDS = /[。！？…”」』）》：；!?.:;)]\s*$/;

/** A paragraph that is an image is a figure (its caption never ends a sentence): never joined. */
const isFigure = (p: Paragraph) => p.children.some((c) => c.type === 'image' || c.type === 'imageReference');

const startsRunIn = (p: Paragraph) => p.children[0]?.type === 'strong' || /^\s*\*\*/.test(plain(p));

export default defineRule({ id: 'join-page-break-paragraphs' }, (tree, file, ctx) => {
  const kids = tree.children;
  let inPaper = false;
  for (let i = 0; i < kids.length - 1; i++) {
    const a: RootContent = kids[i];
    const role = roleOf(a);
    if (role === 'paper-title') inPaper = true;
    if (role === 'part' || role === 'chapter' || role === 'toc') inPaper = false;
    if (!inPaper || a.type !== 'paragraph' || role) continue;
    for (;;) {
      const b = kids[i + 1];
      if (!b || b.type !== 'paragraph' || roleOf(b)) break;
      const ta = plain(a);
      const tb = plain(b);
      if (!ta.trim() || ENDS.test(ta) || startsRunIn(b) || numberingLevel(tb) > 0 || isFigure(a) || isFigure(b)) break;
      const last = [...textNodes(a)].pop();
      const place = last ? ctx.at(last, last.value.length) : ctx.at(a);
      ctx.info(`段落在旧页码处被截断，已与下一段合并：「…${ta.trimEnd().slice(-4)}」+「${tb.trimStart().slice(0, 4)}…」`, place);
      a.children.push(...b.children);
      if (a.position && b.position) a.position = { start: a.position.start, end: b.position.end };
      kids.splice(i + 1, 1);
    }
  }
});
