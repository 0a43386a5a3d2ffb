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
    // two folios in a row parse as one list of two items (fuzz counterexample)
    { in: '# 标题\n\n正文。\n\n- 12 -\n\n\n- 13 -\n\n正文。\n', out: '# 标题\n\n正文。\n\n正文。\n', messages: ['5:1 page-furniture', '8:1 page-furniture'] },
    { in: '# 标题\n\n正文。\n\n第12页\n', out: '# 标题\n\n正文。\n', messages: ['5:1 page-furniture'] },
    { in: '# 标题\n\n正文。\n\n13\n', out: '# 标题\n\n正文。\n', messages: ['5:1 page-furniture'] },
    { in: '# 标题\n\n正文。\n— 14 —\n后文。\n', out: '# 标题\n\n正文。\n后文。\n', messages: ['4:1 page-furniture'] },
    // a folio first line, and a paragraph of folios only (fuzz counterexample: the paragraph became a
    // paper's unit line, which reading the normalized text again removed as a folio)
    { in: '# 标题\n\n12\n正文。\n', out: '# 标题\n\n正文。\n', messages: ['3:1 page-furniture'] },
    { in: '# 标题\n\n第3页\n第3页\n\n正文。\n', out: '# 标题\n\n正文。\n', messages: ['3:1 page-furniture', '4:1 page-furniture'] },
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
      // `- 12 -` parses as a bullet list item; folios on consecutive pages make one list of several
      const folios = node.children.filter((item) => {
        const raw = sourceSlice(file, item)?.trim();
        if (raw == null || !FOLIO.test(raw)) return false;
        ctx.info(`删除了旧版页码行「${raw}」`, ctx.at(item));
        return true;
      });
      if (folios.length === node.children.length) remove.add(node);
      else if (folios.length) node.children = node.children.filter((item) => !folios.includes(item));
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
    // folio lines inside a paragraph: whole lines only (the first line of the paragraph too — a paragraph
    // left with a folio first line would lose it when the normalized text is read again)
    node.children.forEach((child, c) => {
      if (child.type !== 'text' || !child.value.includes('\n')) return;
      const lines = child.value.split('\n');
      const starts: number[] = [];
      let offset = 0;
      for (const line of lines) { starts.push(offset); offset += line.length + 1; }
      const last = lines.length - 1;
      const folio = lines.map((line, k) => (k > 0 || c === 0) && (k < last || c === node.children.length - 1) && FOLIO.test(line));
      const edits: Edit[] = [];
      for (let i = 0; i <= last; i++) {
        if (!folio[i]) continue;
        let j = i;
        while (j < last && folio[j + 1]) j++;
        for (let k = i; k <= j; k++) ctx.info(`删除了段落中的旧版页码行「${lines[k].trim()}」`, ctx.at(child, starts[k]));
        // a run of folio lines i..j goes with the line break after it (or, at the end, the one before it)
        if (j < last) edits.push({ start: starts[i], end: starts[j + 1], insert: '' });
        else edits.push({ start: Math.max(0, starts[i] - 1), end: child.value.length, insert: '' });
        i = j;
      }
      editText(file, child, edits);
    });
    if (!plain(node).trim()) remove.add(node);
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
