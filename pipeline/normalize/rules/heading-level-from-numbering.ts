/**
 * heading-level-from-numbering — section heading levels follow the Chinese numbering hierarchy, not
 * the OCR's `#` count: 一、 (1) above （一） (2) above 1./1、 (3) above （1） (4), relative to the paper.
 * The heading's depth becomes paper-title depth + level (max 6) and `data.juan.level` records the level.
 * Unnumbered section headings keep their relative depth (clamped to 1–4). A changed level → info.
 * Bold run-in heads are paragraphs and are not touched.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { juan, numberingLevel, plain, roleOf } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n### （一）发展成就\n\n正文。\n\n#### 1.具体做法\n\n正文。\n'],
  notOk: [
    {
      in: '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n### 三、解放思想\n\n正文。\n\n#### （一）发展成就\n\n正文。\n',
      out: '# 论文题目\n\n市甲局\n\n## 一、总体情况\n\n正文。\n\n## 三、解放思想\n\n正文。\n\n### （一）发展成就\n\n正文。\n',
      messages: ['9:1 heading-level-from-numbering', '13:1 heading-level-from-numbering'],
    },
  ],
};

const HASHES = (n: number) => '#'.repeat(n);

export default defineRule({ id: 'heading-level-from-numbering' }, (tree, file, ctx) => {
  let titleDepth = 0;
  for (const n of tree.children) {
    const role = roleOf(n);
    if (role === 'paper-title' && n.type === 'heading') { titleDepth = n.depth; continue; }
    if (!titleDepth || n.type !== 'heading' || (role && role !== 'section')) continue;
    const text = plain(n).trim();
    let level = numberingLevel(text);
    if (!level) {
      level = Math.max(1, Math.min(4, n.depth - titleDepth));
      juan(n).role = 'section';
    }
    juan(n).role = 'section';
    juan(n).level = level;
    const depth = Math.min(6, titleDepth + level) as 1 | 2 | 3 | 4 | 5 | 6;
    if (depth !== n.depth) {
      ctx.info(`标题「${text.slice(0, 16)}」按编号定为论文内第 ${level} 级（${HASHES(n.depth)} → ${HASHES(depth)}）`, ctx.at(n));
      n.depth = depth;
    }
  }
});
