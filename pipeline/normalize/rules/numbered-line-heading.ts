/**
 * numbered-line-heading — a section title 「十、依法执行备案工作」 that lost its `#` (a Word or web page
 * converted to Markdown, an OCR that missed one heading of fourteen) is a paragraph of its own. It
 * becomes a heading again, at the depth of its 一、 siblings, so that it opens its section in the
 * 目录, the running head and the EPUB outline instead of being printed as a line of the previous one.
 *
 * Evidence, all of it required (otherwise nothing is touched):
 * - the paragraph is one line of plain text (no markup) starting with a Chinese numeral and 、, with a
 *   title of 2–25 characters after it that has no sentence stop (。！？；：) and does not end with ，、;
 * - a body follows it: the next block is a paragraph, list, table or quote, not another such line;
 * - it is in sequence with the 一、 items around it (headings or such lines, in manuscript order):
 *   the one before is n − 1, or it is 一、 and the one after is 二、.
 * Depth: that of the 一、 heading before it (or after it, for 一、); with no such heading, one below
 * the heading above it. heading-level-from-numbering then puts it in its paper's hierarchy.
 */
import type { Heading, Paragraph, Root, RootContent, Text } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { clip, plain, roleOf } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    // already headings
    '# 决定\n\n## 一、总则\n\n正文。\n\n## 二、分则\n\n正文。\n',
    // a lone numbered line with no sequence around it
    '# 决定\n\n三、其他事项\n\n正文。\n',
    // a list of short lines with nothing between them
    '# 决定\n\n一、甲\n\n二、乙\n\n三、丙\n',
    // the line is a sentence, not a title
    '# 决定\n\n一、各区应当加强领导。\n\n正文。\n\n二、各部门应当配合。\n\n正文。\n',
    // numbering inside a paragraph is never read
    '# 决定\n\n主要有：一、加强领导，二、完善制度。\n',
  ],
  notOk: [
    {
      // one section title of three lost its `##`
      in: '# 决定\n\n## 一、总则\n\n正文。\n\n二、依法执行备案工作、强化法律责任\n\n正文。\n\n## 三、附则\n\n正文。\n',
      out: '# 决定\n\n## 一、总则\n\n正文。\n\n## 二、依法执行备案工作、强化法律责任\n\n正文。\n\n## 三、附则\n\n正文。\n',
      messages: ['7:1 numbered-line-heading'],
    },
    {
      // no section has its `#`: one level below the heading above them
      in: '# 统计公报\n\n导语。\n\n一、综合\n\n正文。\n\n二、农业\n\n正文。\n',
      out: '# 统计公报\n\n导语。\n\n## 一、综合\n\n正文。\n\n## 二、农业\n\n正文。\n',
      messages: ['5:1 numbered-line-heading', '9:1 numbered-line-heading'],
    },
  ],
};

const DIGIT: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const NUMBERED = /^([一二三四五六七八九十]{1,3})、/;
const MAX_TITLE = 25;

/** 一 … 九十九, or 0. */
function numeral(s: string): number {
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || (!m[2] && (m[1] ? m[3] : !m[3]))) return 0;
  if (!m[2]) return DIGIT[m[1]!]!;
  return (m[1] ? DIGIT[m[1]]! : 1) * 10 + (m[3] ? DIGIT[m[3]]! : 0);
}

/** The number a heading or paragraph opens with (「十一、」 → 11), or 0. */
function numberOf(node: RootContent): number {
  const m = NUMBERED.exec(plain(node).trim());
  return m ? numeral(m[1]!) : 0;
}

/** A paragraph that is one line of plain text shaped like a section title. */
function isTitleLine(node: RootContent): node is Paragraph {
  if (node.type !== 'paragraph' || roleOf(node) || node.children.length !== 1 || node.children[0]!.type !== 'text') return false;
  const text = node.children[0].value.trim();
  const m = NUMBERED.exec(text);
  if (!m || !numeral(m[1]!) || text.includes('\n')) return false;
  const title = [...text.slice(m[0].length).trim()];
  return title.length >= 2 && title.length <= MAX_TITLE && !/[。！？；：!?;:]/.test(title.join('')) && !/[，、,]$/.test(title.join(''));
}

const BODY = new Set(['paragraph', 'list', 'table', 'blockquote', 'code', 'math']);

export default defineRule({ id: 'numbered-line-heading' }, (tree: Root, _file, ctx) => {
  // the 一、 items in manuscript order: headings and title-shaped lines
  const items = tree.children.flatMap((node, i): Array<{ node: RootContent; i: number; n: number; line: boolean }> => {
    const n = numberOf(node);
    if (!n) return [];
    // a heading is a section (or a one-document's section unit); the 目录's lines and the front matter are not sections
    if (node.type === 'heading') return roleOf(node) === 'toc' || roleOf(node) === 'front' ? [] : [{ node, i, n, line: false }];
    return isTitleLine(node) ? [{ node, i, n, line: true }] : [];
  });
  const depthOf = new Map<RootContent, number>();
  items.forEach((item, k) => {
    if (!item.line) return;
    const next = tree.children[item.i + 1];
    if (!next || !BODY.has(next.type) || isTitleLine(next) || !plain(next).trim()) return;
    const before = items[k - 1];
    const after = items[k + 1];
    const inSequence = before ? before.n === item.n - 1 : false;
    const opens = item.n === 1 && after?.n === 2;
    if (!inSequence && !opens) return;
    const sibling = inSequence ? before! : after!;
    let depth: number | undefined = sibling.node.type === 'heading' ? sibling.node.depth : depthOf.get(sibling.node);
    if (depth == null) {
      // one below the heading above it
      const above = tree.children.slice(0, item.i).reverse().find((n): n is Heading => n.type === 'heading');
      depth = Math.min(6, (above?.depth ?? 1) + 1);
    }
    depthOf.set(item.node, depth);
  });
  for (const [node, depth] of depthOf) {
    const p = node as Paragraph;
    const text = p.children[0] as Text;
    if (!ctx.allowed(ctx.at(text, 0))) continue;
    const heading: Heading = { type: 'heading', depth: depth as Heading['depth'], children: p.children, position: p.position, data: p.data };
    tree.children[tree.children.indexOf(node)] = heading;
    ctx.info(`独占一行的编号「${clip(plain(heading), 20)}」是一节的标题（与前后各节的编号相接），已改为标题`, ctx.at(text, 0));
  }
});
