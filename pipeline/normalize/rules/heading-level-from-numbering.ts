/**
 * heading-level-from-numbering — section heading levels follow the numbering, relative to the paper's
 * own hierarchy, not the OCR's `#` count. Within a paper, headings with the same numbering style
 * (一、 / （一） / 1. / （1）) are at the same level; a style met for the first time opens the level below
 * the current one (so levels never skip), after closing the levels whose style ranks below it in the
 * usual order 一、 > （一） > 1. > （1）. An unnumbered heading (a topic) is placed by its `#` count relative
 * to the headings around it, and a numbered section under it keeps its place below it.
 * Depth = paper-title depth + level (max 6); `data.juan.level` records the level. A changed depth → info.
 * A numbering met again two or more `#` deeper than before (`## 一、` … `#### 一、`) cannot be placed with
 * confidence (a new list under a sub-point, or OCR noise): it keeps its level and a warning names it. Bold run-in heads are paragraphs, not touched.
 */
import type { Heading } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { clip, juan, numberingLevel, plain, roleOf } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n### （一）发展成就\n\n正文。\n\n#### 1.具体做法\n\n正文。\n',
    // numbered sections under an unnumbered topic keep their place
    '# 论文题目\n\n市甲局\n\n## 研究背景\n\n正文。\n\n### 一、问题的提出\n\n正文。\n\n#### （一）现状\n\n正文。\n',
  ],
  notOk: [
    {
      in: '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n### 三、解放思想\n\n正文。\n\n#### （一）发展成就\n\n正文。\n',
      out: '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n## 三、解放思想\n\n正文。\n\n### （一）发展成就\n\n正文。\n',
      messages: ['9:1 heading-level-from-numbering', '13:1 heading-level-from-numbering'],
    },
    // （1） right under 一、 is the next level down, not four levels down: levels never skip
    {
      in: '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n## （1）细目\n\n正文。\n',
      out: '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n### （1）细目\n\n正文。\n',
      messages: ['9:1 heading-level-from-numbering'],
    },
    // the same numbering two levels deeper: kept as it is, with a warning
    {
      in: '# 论文题目\n\n市甲局\n\n## 一、总论\n\n正文。\n\n### （一）概况\n\n正文。\n\n#### 一、子项\n\n正文。\n',
      out: '# 论文题目\n\n市甲局\n\n## 一、总论\n\n正文。\n\n### （一）概况\n\n正文。\n\n#### 一、子项\n\n正文。\n',
      messages: ['13:1 heading-level-from-numbering'],
    },
  ],
};

const HASHES = (n: number) => '#'.repeat(n);

interface Level { style: number; depth: number; level: number }

export default defineRule({ id: 'heading-level-from-numbering' }, (tree, _file, ctx) => {
  let titleDepth = 0;
  let stack: Level[] = [];
  for (const n of tree.children) {
    const role = roleOf(n);
    if (role === 'paper-title' && n.type === 'heading') { titleDepth = n.depth; stack = []; continue; }
    if (role === 'part' || role === 'chapter' || role === 'toc') { titleDepth = 0; continue; }
    if (!titleDepth || n.type !== 'heading' || (role && role !== 'section')) continue;
    const h = n as Heading;
    const text = plain(h).trim();
    const style = numberingLevel(text);
    juan(h).role = 'section';
    let level: number;
    let doubt = false;
    const same = style ? stack.findIndex((e) => e.style === style) : -1;
    if (same >= 0 && h.depth > stack[same].depth + 1) {
      // the same numbering two or more `#` deeper than before: a new list under a sub-point, or OCR noise
      doubt = true;
      level = 0;
    } else if (same >= 0) {
      stack.length = same; // back to the level of the same numbering
      level = same ? stack[same - 1].level + 1 : 1;
    } else if (style) {
      // close the numbered levels that rank below this style, and topics the `#` count puts at or below it
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (top.style ? top.style > style : top.depth >= h.depth) stack.pop();
        else break;
      }
      const top = stack[stack.length - 1];
      level = top ? top.level + 1 : 1;
    } else {
      while (stack.length && stack[stack.length - 1].depth >= h.depth) stack.pop();
      const top = stack[stack.length - 1];
      level = top ? top.level + 1 : Math.max(1, Math.min(4, h.depth - titleDepth));
    }
    if (doubt) {
      level = Math.max(1, Math.min(6 - titleDepth, h.depth - titleDepth));
      while (stack.length && stack[stack.length - 1].depth >= h.depth) stack.pop();
      ctx.warn(`标题「${clip(text, 16)}」的编号与 # 数不一致，无法确定级别，保留原级别（${HASHES(h.depth)}）`, ctx.at(h));
    }
    level = Math.max(1, Math.min(level, 6 - titleDepth));
    let depth = Math.min(6, titleDepth + level) as Heading['depth'];
    if (depth !== h.depth && !ctx.allowed(ctx.at(h))) {
      // switched off here by the editor: the heading keeps its `#` count
      level = Math.max(1, Math.min(6 - titleDepth, h.depth - titleDepth));
      depth = h.depth;
    }
    stack.push({ style, depth: h.depth, level });
    juan(h).level = level;
    if (depth !== h.depth && !doubt) {
      ctx.info(`标题「${clip(text, 16)}」按编号定为论文内第 ${level} 级（${HASHES(h.depth)} → ${HASHES(depth)}）`, ctx.at(h));
      h.depth = depth;
    }
  }
});
