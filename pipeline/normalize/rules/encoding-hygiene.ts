/**
 * encoding-hygiene — invisible damage from OCR and word processors.
 * BOM and CRLF are reported once (the parser already reads past them; the writer emits LF without BOM);
 * NBSP becomes a normal space, zero-width characters are removed, full-width spaces used as
 * padding (at the start or end of a line) are removed. All certain → info.
 */
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText, sourceOf, textNodes, type Edit } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文，没有问题。\n'],
  notOk: [
    { in: '\uFEFF# 标题\n', out: '# 标题\n', messages: ['1:1 encoding-hygiene'] },
    { in: '# 标题\r\n\r\n正文。\r\n', out: '# 标题\n\n正文。\n', messages: ['1:5 encoding-hygiene'] },
    { in: '正文甲\u00A0乙文。\n', out: '正文甲 乙文。\n', messages: ['1:4 encoding-hygiene'] },
    { in: '甲\u200B乙\n', out: '甲乙\n', messages: ['1:2 encoding-hygiene'] },
    { in: '正文\u3000\u3000\n', out: '正文\n', messages: ['1:3 encoding-hygiene'] },
  ],
};

const ZERO_WIDTH = /[\u200B\u200C\u200D\u2060\uFEFF]/g;

export default defineRule({ id: 'encoding-hygiene' }, (tree, file, ctx) => {
  const raw = String(file.value ?? '');
  if (raw.startsWith('\uFEFF')) ctx.info('文件开头有 BOM（U+FEFF），已去除', { line: 1, column: 1 });
  const src = sourceOf(file);
  const crlf = src.match(/\r\n?/g)?.length ?? 0;
  if (crlf) {
    const first = src.search(/\r/);
    const line = src.slice(0, first).split('\n').length;
    const column = first - (src.lastIndexOf('\n', first - 1) + 1) + 1;
    ctx.info(`文件使用 CRLF 换行（共 ${crlf} 处），已统一为 LF`, { line, column });
  }
  for (const node of textNodes(tree)) {
    const edits: Edit[] = [];
    const v = node.value;
    for (const m of v.matchAll(/\r\n?/g)) edits.push({ start: m.index!, end: m.index! + m[0].length, insert: '\n' });
    for (const m of v.matchAll(/[\u00A0\u202F]/g)) {
      edits.push({ start: m.index!, end: m.index! + 1, insert: ' ' });
      ctx.info(`不换行空格（U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}）已改为普通空格`, ctx.at(node, m.index!));
    }
    for (const m of v.matchAll(ZERO_WIDTH)) {
      edits.push({ start: m.index!, end: m.index! + 1, insert: '' });
      ctx.info(`零宽字符（U+${m[0].charCodeAt(0).toString(16).toUpperCase()}）已删除`, ctx.at(node, m.index!));
    }
    // full-width spaces as padding: at start/end of the node's lines
    for (const m of v.matchAll(/(^|\n)\u3000+|\u3000+(?=\r?\n|$)/g)) {
      const lead = m[1] ?? '';
      const start = m.index! + lead.length;
      const end = m.index! + m[0].length;
      if (end <= start) continue;
      edits.push({ start, end, insert: '' });
      ctx.info(`用作缩进或补白的全角空格（${end - start} 个）已删除`, ctx.at(node, start));
    }
    editText(file, node, edits);
  }
});
