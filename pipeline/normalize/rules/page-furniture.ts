/**
 * page-furniture — what an OCR keeps of the old pages, removed only when it is furniture:
 *  - folio lines (`- 12 -`, `— 12 —`, `第12页`, a bare `12`) as their own paragraph or their own line
 *    inside a paragraph → info;
 *  - running heads: the same short line repeated three times or more, not right after a heading, that
 *    is the book's title or a title in the manuscript (a heading's text) → info. A repeated line that
 *    matches no title is a 警告 and is kept. Never a line with a link, emphasis, list numbering,
 *    sentence punctuation or an end mark like （完）: those are content (`**亮点：**`, `-- [读者](url)`,
 *    `2、`, `（完）`).
 */
import type { Paragraph, RootContent } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { editText, plain, sourceSlice, type Edit } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    '# 标题\n\n正文。\n\n2018 年 10 月\n',
    // a link whose text is only a line break (a web page's icon link): no folio line, nothing removed
    '[\n](https://example.com/ask "问")\n\n# 标题\n\n正文。\n',
    // content that repeats: bold labels, quote sources with links, list numbers, end marks
    '# 标题\n\n**亮点：**\n\n甲。\n\n**亮点：**\n\n乙。\n\n**亮点：**\n\n丙。\n',
    '# 标题\n\n甲。\n\n-- [读者](https://a.b/1)\n\n乙。\n\n-- [读者](https://a.b/2)\n\n丙。\n\n-- [读者](https://a.b/3)\n',
    '# 标题\n\n甲。\n\n（完）\n\n乙。\n\n（完）\n\n丙。\n\n（完）\n',
    '# 标题\n\n甲。\n\n2、\n\n乙。\n\n2、\n\n丙。\n\n2、\n',
  ],
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
      in: '# 慈溪实践\n\n甲。\n\n慈溪实践\n\n乙。\n\n慈溪实践\n\n丙。\n\n慈溪实践\n',
      out: '# 慈溪实践\n\n甲。\n\n乙。\n\n丙。\n',
      messages: ['5:1 page-furniture', '9:1 page-furniture', '13:1 page-furniture'],
    },
    // repeated, but no title: a warning, the text stays
    {
      in: '# 标题\n\n甲。\n\n书眉\n\n乙。\n\n书眉\n\n丙。\n\n书眉\n',
      out: '# 标题\n\n甲。\n\n书眉\n\n乙。\n\n书眉\n\n丙。\n\n书眉\n',
      messages: ['5:1 page-furniture'],
    },
  ],
};

/** End marks and item numbers are content, however often they repeat. */
const END_MARK = /^[（(]?\s*(?:完|全文完|终|待续|未完待续|END|The End)\s*[）)]?$/i;
const NUMBER_LABEL = /^\s*(?:\d{1,3}|[一二三四五六七八九十]+)\s*[、.．]\s*$/;
const squeeze = (s: string) => s.replace(/[\s\u3000]+/g, '');

export const FOLIO = /^\s*(?:[-—–－·]\s*\d{1,4}\s*[-—–－·]|\d{1,3}|第\s*\d{1,4}\s*页)\s*$/;

export default defineRule({ id: 'page-furniture' }, (tree, file, ctx) => {
  const remove = new Set<RootContent>();
  const counts = new Map<string, Paragraph[]>();
  tree.children.forEach((node, i) => {
    if (node.type === 'list') {
      // `- 12 -` parses as a bullet list item; folios on consecutive pages make one list of several
      const folios = node.children.filter((item) => {
        const raw = sourceSlice(file, item)?.trim();
        if (raw == null || !FOLIO.test(raw) || !ctx.allowed(ctx.at(item))) return false;
        ctx.info(`删除了旧版页码行「${raw}」`, ctx.at(item));
        return true;
      });
      if (folios.length === node.children.length) remove.add(node);
      else if (folios.length) node.children = node.children.filter((item) => !folios.includes(item));
      return;
    }
    if (node.type !== 'paragraph') return;
    const text = plain(node).trim();
    if (FOLIO.test(text) && ctx.allowed(ctx.at(node))) {
      ctx.info(`删除了旧版页码行「${text}」`, ctx.at(node));
      remove.add(node);
      return;
    }
    const prev = tree.children[i - 1];
    const afterHeading = !prev || prev.type === 'heading' || (prev.type === 'paragraph' && /^[—-]/.test(plain(prev)));
    const plainText = node.children.every((c) => c.type === 'text');
    const content = END_MARK.test(text) || NUMBER_LABEL.test(text) || /[。，；！？：,;:!?、]/.test(text);
    if (!afterHeading && plainText && !content && text.length <= 40 && !text.includes('\n')) {
      const list = counts.get(text) ?? [];
      list.push(node);
      counts.set(text, list);
    }
    // folio lines inside a paragraph: whole lines only (the first line of the paragraph too — a paragraph
    // left with a folio first line would lose it when the normalized text is read again)
    let cut = false;
    node.children.forEach((child, c) => {
      if (child.type !== 'text' || !child.value.includes('\n')) return;
      const lines = child.value.split('\n');
      const starts: number[] = [];
      let offset = 0;
      for (const line of lines) { starts.push(offset); offset += line.length + 1; }
      const last = lines.length - 1;
      const folio = lines.map((line, k) => (k > 0 || c === 0) && (k < last || c === node.children.length - 1) && FOLIO.test(line) && ctx.allowed(ctx.at(child, starts[k])));
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
      if (edits.length) cut = true;
      editText(file, child, edits);
    });
    // a paragraph that was only folio lines goes; one that never had text (a link without text: its URL is content) stays
    if (cut && !plain(node).trim() && node.children.every((c) => c.type === 'text')) remove.add(node);
  });
  // running heads repeat a title: the book's, or one in the manuscript
  const titles = new Set<string>();
  for (const t of [ctx.config?.title, ctx.config?.subtitle]) if (t) titles.add(squeeze(t));
  for (const n of tree.children) if (n.type === 'heading') titles.add(squeeze(plain(n)));
  const isTitle = (t: string) => titles.has(squeeze(t)) || [...titles].some((x) => x.length >= 4 && squeeze(t).length >= 4 && x.includes(squeeze(t)));
  for (const [text, list] of counts) {
    if (list.length < 3) continue;
    if (!isTitle(text)) {
      ctx.warn(`「${text}」重复出现 ${list.length} 次，像书眉但不是书名或标题，已保留；若是书眉请删除`, ctx.at(list[0]));
      continue;
    }
    for (const node of list) {
      if (!ctx.allowed(ctx.at(node))) continue;
      ctx.info(`删除了重复出现的书眉「${text}」（共 ${list.length} 处）`, ctx.at(node));
      remove.add(node);
    }
  }
  if (remove.size) tree.children = tree.children.filter((n) => !remove.has(n));
});
