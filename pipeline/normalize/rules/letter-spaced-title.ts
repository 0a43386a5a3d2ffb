/**
 * letter-spaced-title — display titles the OCR read with the letter-spacing as spaces
 * (`# 论 文 集`, `# 目 录`) become the word itself; spacing is a styling matter. Certain → info.
 * Only headings and short one-line paragraphs made of single Han characters separated by spaces.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText, plain } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 论文集\n', '# 改革开放 40 周年\n', '正文 甲\n'],
  notOk: [
    { in: '# 论 文 集\n', out: '# 论文集\n', messages: ['1:3 letter-spaced-title'] },
    { in: '# 目  录\n', out: '# 目录\n', messages: ['1:3 letter-spaced-title'] },
    { in: '前 言\n', out: '前言\n', messages: ['1:1 letter-spaced-title'] },
  ],
};

const SPACED = /^\p{Script=Han}(?:[ \u3000\u00A0]+\p{Script=Han}){1,7}$/u;

export default defineRule({ id: 'letter-spaced-title' }, (tree, file, ctx) => {
  for (const node of tree.children) {
    if (node.type !== 'heading' && node.type !== 'paragraph') continue;
    if (node.children.length !== 1 || node.children[0].type !== 'text') continue;
    const t = node.children[0];
    const text = t.value.trim();
    if (!SPACED.test(text) || !ctx.allowed(ctx.at(t))) continue;
    const lead = t.value.length - t.value.trimStart().length;
    const edits = [...text.matchAll(/[ \u3000\u00A0]+/g)].map((m) => ({ start: lead + m.index!, end: lead + m.index! + m[0].length, insert: '' }));
    const word = text.replace(/[ \u3000\u00A0]+/g, '');
    ctx.info(`字距空格已去除：「${text}」→「${word}」`, ctx.at(t, lead));
    editText(file, t, edits);
  }
});
