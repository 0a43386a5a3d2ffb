/**
 * page-furniture — what an OCR keeps of the old pages: folio lines (`12`, `- 12 -`, `— 12 —`, `第12页`)
 * as their own paragraph or their own line inside a paragraph, and running heads repeated on many pages
 * (the same short line, not right after a heading, three times or more). Removed → info.
 */
import type { Paragraph, RootContent } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText, plain, sourceSlice, type Edit } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文。\n\n2018 年 10 月\n'],
  notOk: [
    { in: '# 标题\n\n正文。\n\n- 12 -\n\n正文。\n', out: '# 标题\n\n正文。\n\n正文。\n', messages: ['5:1 page-furniture'] },
    { in: '# 标题\n\n正文。\n\n第12页\n', out: '# 标题\n\n正文。\n', messages: ['5:1 page-furniture'] },
    { in: '# 标题\n\n正文。\n\n13\n', out: '# 标题\n\n正文。\n', messages: ['5:1 page-furniture'] },
    { in: '# 标题\n\n正文。\n— 14 —\n后文。\n', out: '# 标题\n\n正文。\n后文。\n', messages: ['4:1 page-furniture'] },
    {
      in: '# 标题\n\n甲。\n\n书眉\n\n乙。\n\n书眉\n\n丙。\n\n书眉\n',
      out: '# 标题\n\n甲。\n\n乙。\n\n丙。\n',
      messages: ['5:1 page-furniture', '9:1 page-furniture', '13:1 page-furniture'],
    },
  ],
};

export const FOLIO = /^\s*(?:[-—–－·]\s*\d{1,4}\s*[-—–－·]|\d{1,3}|第\s*\d{1,4}\s*页)\s*$/;

export default defineRule({ id: 'page-furniture' }, (tree, file, ctx) => {
  const remove = new Set<RootContent>();
  const counts = new Map<string, Paragraph[]>();
  tree.children.forEach((node, i) => {
    if (node.type === 'list') {
      // `- 12 -` parses as a one-item bullet list
      const raw = sourceSlice(file, node)?.trim();
      if (raw != null && FOLIO.test(raw)) {
        ctx.info(`删除了旧版页码行「${raw}」`, ctx.at(node));
        remove.add(node);
      }
      return;
    }
    if (node.type !== 'paragraph') return;
    const text = plain(node).trim();
    if (FOLIO.test(text)) {
      ctx.info(`删除了旧版页码行「${text}」`, ctx.at(node));
      remove.add(node);
      return;
    }
    const prev = tree.children[i - 1];
    const afterHeading = !prev || prev.type === 'heading' || (prev.type === 'paragraph' && /^[—-]/.test(plain(prev)));
    if (!afterHeading && text.length <= 40 && !/[。，；！？,;]/.test(text) && !text.includes('\n')) {
      const list = counts.get(text) ?? [];
      list.push(node);
      counts.set(text, list);
    }
    // folio lines inside a paragraph
    for (const child of node.children) {
      if (child.type !== 'text' || !child.value.includes('\n')) continue;
      const edits: Edit[] = [];
      let offset = 0;
      for (const line of child.value.split('\n')) {
        if (FOLIO.test(line) && offset > 0) {
          edits.push({ start: offset - 1, end: offset + line.length, insert: '' });
          ctx.info(`删除了段落中的旧版页码行「${line.trim()}」`, ctx.at(child, offset));
        }
        offset += line.length + 1;
      }
      editText(file, child, edits);
    }
  });
  for (const [text, list] of counts) {
    if (list.length < 3) continue;
    for (const node of list) {
      ctx.info(`删除了重复出现的书眉「${text}」（共 ${list.length} 处）`, ctx.at(node));
      remove.add(node);
    }
  }
  if (remove.size) tree.children = tree.children.filter((n) => !remove.has(n));
});
