/**
 * join-page-break-paragraphs — paragraphs the OCR cut at an old page break are joined, on evidence only:
 *  - both parts are plain prose paragraphs of a paper's body: not a heading, list, table or table row,
 *    caption (表1/图1), math, code, quote, reference entry (`[1]`), HTML, image, bold label (a paragraph
 *    that is all bold), signature or date line, nor a line ending in a URL or link;
 *  - the first stops mid-phrase (its last character is Han or `、`/`，`: not a finished sentence) and is
 *    long enough to have filled a printed line (≥ 20 characters), with at least three characters of the
 *    unfinished sentence (`…责任感。会责` is a stray remnant as likely as a cut);
 *  - the second continues it: starts with Han or digits that are not numbering (一、 （一） 1. （1） 第一
 *    bullets), and either finishes a sentence or is itself long (a short unfinished line is a label or
 *    a signature).
 * Then → info (joined). When the first is prose that stops mid-phrase and the second is prose that
 * does not start with numbering, but the rest of the evidence is missing → a warning names the place
 * and nothing is joined. Runs before run-in-head-style (a page break can cut a `**…**` head).
 */
import type { Paragraph, RootContent } from 'mdast';
import type { RuleContext, RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { isMathParagraph, isReferenceEntry, numberingLevel, plain, roleOf, textNodes, type Place } from '../text.ts';

const LONG = '这是一个足够长的段落，它在旧版书页的末尾被截断，直到衡量人民幸';
export const examples: RuleExamples = {
  ok: [
    '# 题目\n\n市甲局\n\n第一段结束。\n\n第二段。\n',
    '# 题目\n\n市甲局\n\n第一段没有结束\n\n## 一、标题\n\n正文。\n',
    '# 题目\n\n市甲局\n\n第一段没有结束\n\n**（一）小标题。**正文。\n',
    '# 题目\n\n市甲局\n\n第一段没有结束\n\n1、条目。\n',
    // display math, a table with its caption, reference entries ending in URLs, a bold label, a signature
    '# 题目\n\n市甲局\n\n$$\\hat{y} = \\beta_0 + \\beta_1 X_{10}$$\n\n其中，各变量的含义如下所述。\n',
    '# 题目\n\n市甲局\n\n表2 模型性能评估结果\n\n| 准确率 | F1分数 |\n\n上表给出了各模型在测试集上的结果。\n',
    '# 题目\n\n市甲局\n\n[24] 张三. 论文题目. https://example.com/a\n\n[25] 李四. 论文题目. https://example.com/b\n',
    '# 题目\n\n市甲局\n\n**主要观察：**\n\n今年的开源项目数量继续增长。\n',
    '# 题目\n\n市甲局\n\n这是一段写完的文字，作者在这里结束了全文的论述。\n\n阮一峰\n',
    '# 题目\n\n市甲局\n\n2021年12月24日 北京市第十五届人民代表大会常务委员会第三十六次会议通过\n\n为更好履行宪法和法律赋予的职责，制定本决定。\n',
    '# 题目\n\n市甲局\n\n十、依法执行备案工作、强化预算法律责任\n\n市人民政府应当将出台的有关预算的规范性文件及时报送备案。\n',
    '# 题目\n\n市甲局\n\n1、\n\n人为什么有眼白？大多数哺乳动物都没有眼白。\n',
  ],
  notOk: [
    { in: `# 题目\n\n市甲局\n\n${LONG}\n\n福感的重要指标之一。\n`, out: `# 题目\n\n市甲局\n\n${LONG}福感的重要指标之一。\n`, messages: ['5:32 join-page-break-paragraphs'] },
    { in: '# 题目\n\n市甲局\n\n其中全市家电行业规模以上企业的工业总产值从\n\n2003年的96亿元增长到2017年的1005.6亿元。\n', out: '# 题目\n\n市甲局\n\n其中全市家电行业规模以上企业的工业总产值从2003年的96亿元增长到2017年的1005.6亿元。\n', messages: ['5:22 join-page-break-paragraphs'] },
    // a numbered run-in head with the start of its body, cut: joined (a sentence ends inside it, so it is no title)
    { in: '# 题目\n\n市甲局\n\n4、创新成效不断显现。无论是拉动经济增长、带\n\n动产业升级，还是在促进节能减排上，都发挥了作用。\n', out: '# 题目\n\n市甲局\n\n4、创新成效不断显现。无论是拉动经济增长、带动产业升级，还是在促进节能减排上，都发挥了作用。\n', messages: ['5:23 join-page-break-paragraphs'] },
    // an article of a law cut at a page break: joined (「第一条 …」 is prose, not a numbered title)
    { in: '# 某法\n\n## 第一章　总则\n\n第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面\n\n进步、农民全面发展，制定本法。\n', out: '# 某法\n\n## 第一章　总则\n\n第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、农民全面发展，制定本法。\n', messages: ['5:31 join-page-break-paragraphs'] },
    // cut after a half-width comma (this rule runs before fullwidth-punctuation turns it into 「，」)
    { in: '# 题目\n\n市甲局\n\n4、创新成效不断显现。无论是拉动经济增长、带动产业升级,\n\n还是在促进节能减排上，都发挥了作用。\n', out: '# 题目\n\n市甲局\n\n4、创新成效不断显现。无论是拉动经济增长、带动产业升级，还是在促进节能减排上，都发挥了作用。\n', messages: ['5:29 join-page-break-paragraphs'] },
    // too short to have filled a printed line: a warning, nothing joined
    { in: '# 题目\n\n市甲局\n\n甲乙\n\n丙丁戊己庚辛。\n', out: '# 题目\n\n市甲局\n\n甲乙\n\n丙丁戊己庚辛。\n', messages: ['5:3 join-page-break-paragraphs'] },
    // the same with the head in bold: the `**` marks are not characters of the printed line (16, not 20)
    { in: '# 题目\n\n市甲局\n\n**1、创新氛围不断优化。**创新驱动上\n\n升为党委政府抓发展的核心战略，共识日益强化。\n', out: '# 题目\n\n市甲局\n\n**1、创新氛围不断优化。**创新驱动上\n\n升为党委政府抓发展的核心战略，共识日益强化。\n', messages: ['5:21 join-page-break-paragraphs'] },
  ],
};

/** Ends a sentence (text.ts FINAL plus half-width `: ; )`: this rule runs before fullwidth-punctuation). */
const ENDS = /[。！？…”」』）》：；!?.:;)]\s*$/;
/** Stops mid-phrase: a Han character or a pause mark that cannot end a paragraph (`,` too: this rule runs before fullwidth-punctuation). */
const MID = /[\p{Script=Han}、，,]$/u;
const CAPTION = /^\s*(?:续?[表图]\s*[\d一二三四五六七八九十]|(?:Table|Fig(?:ure)?\.?)\s*\d)/i;
const DATE = /^\s*(?:\d{4}|[一二〇零○]{4})\s*年(?:\s*[\d一二三四五六七八九十]{1,3}\s*月(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?)?(?=\s|$)/;
/** Only a number (`1、`): an item label whose text follows in the next paragraph. */
/** An article of a law or regulation: 「第十条」 and its text after a space. */
const ARTICLE = /^\s*第[一二三四五六七八九十百零〇\d]+条[ \u3000]+\S/;
const NUMBER_ONLY = /^\s*(?:\d{1,3}|[一二三四五六七八九十]+|[（(]\s*[\d一二三四五六七八九十]+\s*[）)])\s*[、.．]?\s*$/;
const NUMBERED = /^\s*(?:[一二三四五六七八九十百]+[、．.]|[（(]\s*[\d一二三四五六七八九十]+\s*[）)]|\d{1,3}\s*[、.．)）]|第[一二三四五六七八九十百\d]+[、，：:\s章节条部分]|[-*+•·●○■□◆▪►✓]\s)/;
const URL_END = /(?:https?:\/\/|www\.)\S*\s*$/;
const LONG_ENOUGH = 20;

/** Why a paragraph is not plain prose ('' when it is). */
function notProse(p: Paragraph): string {
  const t = plain(p).trim();
  if (!t) return 'empty';
  const kids = p.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
  if (kids.every((c) => c.type === 'strong' || c.type === 'emphasis')) return 'label';
  if (kids.some((c) => c.type === 'image' || c.type === 'imageReference' || c.type === 'html' || c.type === 'inlineCode')) return 'html/image/code';
  const last = kids[kids.length - 1];
  if (last && (last.type === 'link' || last.type === 'linkReference')) return 'link';
  if (/^\s*\|/m.test(t) || /\|\s*$/.test(t)) return 'table';
  if (isMathParagraph(p)) return 'math';
  if (CAPTION.test(t)) return 'caption';
  if (isReferenceEntry(t) || /^\s*\d{1,3}\.\s/.test(t)) return 'reference';
  // a date line, alone or with what happened that day (`2021年12月24日 …会议通过`)
  if (DATE.test(t) && len(t) <= 60) return 'date';
  if (NUMBER_ONLY.test(t)) return 'numbering';
  // a numbered line that does not finish a sentence is a section title written as a paragraph —
  // unless a sentence ends inside it: 「4、创新成效不断显现。无论是…带」 is a run-in head and the start
  // of its body, cut (numbered-run-in-head makes the head bold, and the bold form is prose here too)
  // An article 「第十条 国家…」 is prose, never a title: a law cut at a page break inside one is joined.
  if ((NUMBERED.test(t) || numberingLevel(t) > 0) && !ARTICLE.test(t) && !ENDS.test(t) && !/[。！？]./.test(t) && len(t) <= 40) return 'numbered title';
  if (URL_END.test(t)) return 'url';
  if (/^\s*(?:——|--|—)/.test(t)) return 'signature';
  return '';
}

const startsRunIn = (p: Paragraph) => p.children[0]?.type === 'strong' || /^\s*\*\*/.test(plain(p));
/** Printed characters: `**`/`__` that remark left as text (a CJK run-in head) are marks, not characters. */
const len = (s: string) => [...s.replace(/\*\*|__/g, '').trim()].length;

const COMMENT = /^<!--[\s\S]*-->$/;
/** A juan directive that switches join-page-break-paragraphs (or every rule) off. */
const switchesOff = (comment: string) => /juan-disable(?:-next-line)?(?:\s*-->|\s+(?:[\w-]+[\s,]+)*join-page-break-paragraphs\b)/.test(comment);

/**
 * The evidence that paragraphs `a` and `b` are one paragraph cut by an old page break: null when
 * there is no sign of a cut at all, else whether it is enough to join (and why not).
 */
function evidence(ctx: Pick<RuleContext, 'at'>, a: Paragraph, b: Paragraph): { join: boolean; why: string; place: Place; quote: string } | null {
  const ta = plain(a).trimEnd();
  const tb = plain(b).trim();
  // no sign of a cut at all: a finished sentence, or not prose on either side
  if (!ta.trim() || ENDS.test(ta) || notProse(a) || notProse(b) || startsRunIn(b) || NUMBERED.test(tb) || numberingLevel(tb) > 0) return null;
  const last = [...textNodes(a)].pop();
  const place = last ? ctx.at(last, last.value.trimEnd().length) : ctx.at(a);
  const quote = `「…${[...ta].slice(-4).join('')}」+「${[...tb].slice(0, 4).join('')}…」`;
  const lastLine = ta.slice(ta.lastIndexOf('\n') + 1);
  const mid = MID.test(ta);
  const continues = /^[\p{Script=Han}\d]/u.test(tb);
  const secondOk = ENDS.test(tb) || len(tb) >= LONG_ENOUGH;
  // the unfinished sentence at the cut: a fragment of one or two characters after a full stop is
  // as likely a stray remnant as a cut
  const fragment = len(ta.slice(Math.max(ta.lastIndexOf('。'), ta.lastIndexOf('！'), ta.lastIndexOf('？')) + 1));
  const join = mid && continues && secondOk && len(lastLine) >= LONG_ENOUGH && fragment >= 3;
  const why = join ? ''
    : !mid ? '上一段结尾不是汉字'
    : !continues ? '下一段开头不像接续'
    : !secondOk ? '下一段很短且没有结束'
    : fragment < 3 ? '截断处前面只有一两个字的残句'
    : '上一段太短，不像排满一行后被截断';
  return { join, why, place, quote };
}

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
      // An HTML comment between the two halves blocks the join: merging would have to move or drop
      // it (an editor's note, a juan-disable directive). With full evidence of a cut a 警告 names the
      // place — unless the comment itself switches this rule off there.
      if (b?.type === 'html' && COMMENT.test(b.value.trim())) {
        const c = kids[i + 2];
        const cut = c?.type === 'paragraph' && !roleOf(c) ? evidence(ctx, a, c) : null;
        if (cut?.join && !switchesOff(b.value)) ctx.warn(`段落可能在旧页码处被截断，但两段之间有 HTML 注释，未合并：${cut.quote}`, cut.place);
        break;
      }
      if (!b || b.type !== 'paragraph' || roleOf(b)) break;
      const cut = evidence(ctx, a, b);
      if (!cut) break;
      const { place, quote } = cut;
      if (!cut.join) {
        ctx.warn(`段落可能在旧页码处被截断，但证据不足（${cut.why}），未合并：${quote}`, place);
        break;
      }
      if (!ctx.allowed(place, ctx.at(b))) break;
      ctx.info(`段落在旧页码处被截断，已与下一段合并：${quote}`, place);
      a.children.push(...b.children);
      if (a.position && b.position) a.position = { start: a.position.start, end: b.position.end };
      kids.splice(i + 1, 1);
    }
  }
});
