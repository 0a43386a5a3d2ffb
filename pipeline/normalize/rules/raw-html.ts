/**
 * raw-html — HTML pasted into the manuscript (from Word or the web) never reaches an output, and its
 * text is not lost:
 *  - HTML comments stay in the normalized manuscript (they are never rendered; editor directives
 *    `<!-- juan-disable … -->` are comments): no message;
 *  - formatting tags with no text of their own (`<center>`, `</div>`, `<br>`) are removed → info;
 *  - a block of formatting tags around text (`<center>图 1.1 …</center>`) becomes a paragraph of its
 *    text becomes a paragraph of its text → info (the words stay; captions are styled by the writers);
 *  - `<sup>2</sup>` / `<sub>2</sub>` around digits and signs become Unicode superscripts/subscripts
 *    (`a²`) → info; other inline tags are removed and their text kept → warning;
 *  - anything else (scripts, forms, iframes…) is removed → warning with what it was; between an inline
 *    opening and closing tag of an element whose content is not text for a reader (`<script>…</script>`,
 *    `<style>`, `<iframe>`…), the enclosed text goes too.
 */
import type { Nodes, Paragraph, Parent, RootContent, Text } from 'mdast';
import { defineRule, type RuleExamples } from '../define-rule.ts';
import { pruneTree } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文里写着 a < b 和 x > y。\n', '# 标题\n\n<!-- INFO END -->\n\n正文。\n'],
  notOk: [
    { in: '# 标题\n\n<div onclick="x()">块</div>\n\n正文。\n', out: '# 标题\n\n块\n\n正文。\n', messages: ['3:1 raw-html'] },
    { in: '# 标题\n\n<form action="x"><input name="a"></form>\n\n正文。\n', out: '# 标题\n\n正文。\n', messages: ['3:1 raw-html'] },
    { in: '# 标题\n\n正文<script>steal()</script>继续。\n', out: '# 标题\n\n正文继续。\n', messages: ['3:3 raw-html'] },
    { in: '# 标题\n\n换<br>行。\n', out: '# 标题\n\n换行。\n', messages: ['3:2 raw-html'] },
    { in: '# 标题\n\n<center>图 1.1 年度趋势 </center>\n\n正文。\n', out: '# 标题\n\n图 1.1 年度趋势\n\n正文。\n', messages: ['3:1 raw-html'] },
    { in: '# 标题\n\n<center>\n\n正文。\n\n</center>\n', out: '# 标题\n\n正文。\n', messages: ['3:1 raw-html', '7:1 raw-html'] },
    { in: '# 标题\n\n公式 a<sup>2</sup> – b<sub>10</sub> 如此。\n', out: '# 标题\n\n公式 a² – b₁₀ 如此。\n', messages: ['3:5 raw-html', '3:21 raw-html'] },
  ],
};

/** Elements whose content is code or embedded media, not text for a reader. */
const OPAQUE = /^<(script|style|iframe|object|embed|noscript|template|textarea|svg|math|title)\b/i;

const snippet = (html: string) => {
  const one = html.replace(/\s+/g, ' ').trim();
  return [...one].length > 40 ? `${[...one].slice(0, 40).join('')}…` : one;
};

/** Tags that only format: removing them loses nothing but the formatting. */
const FORMAT = /^<\/?(center|div|p|span|br|b|i|u|em|strong|font|small|big|sup|sub|hr|a)(\s[^>]*)?\/?>$/i;
const TAGS = /<\/?(center|div|p|span|br|b|i|u|em|strong|font|small|big|sup|sub|hr|a)(\s[^>]*)?\/?>/gi;
const SUP: Record<string, string> = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹', '+': '⁺', '-': '⁻', '−': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', n: 'ⁿ', i: 'ⁱ' };
const SUB: Record<string, string> = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉', '+': '₊', '-': '₋', '−': '₋', '=': '₌', '(': '₍', ')': '₎' };

/** `<sup>2</sup>` → `²` in place (the three nodes become one text node); true when done. */
function scripts(parent: Parent, ctx: Parameters<Parameters<typeof defineRule>[1]>[2]): void {
  const kids = parent.children as RootContent[];
  for (let i = 0; i + 2 < kids.length; i++) {
    const open = kids[i];
    const inner = kids[i + 1];
    const close = kids[i + 2];
    if (open.type !== 'html' || inner.type !== 'text' || close.type !== 'html') continue;
    const m = /^<(sup|sub)>$/i.exec(open.value.trim());
    if (!m || close.value.trim().toLowerCase() !== `</${m[1].toLowerCase()}>`) continue;
    const table = m[1].toLowerCase() === 'sup' ? SUP : SUB;
    if (![...inner.value].every((c) => table[c])) continue;
    if (!ctx.allowed(ctx.at(open as Nodes))) continue;
    const value = [...inner.value].map((c) => table[c]).join('');
    ctx.info(`HTML「${open.value}${inner.value}${close.value}」改为「${value}」`, ctx.at(open as Nodes));
    const text: Text = { type: 'text', value, position: open.position && close.position ? { start: open.position.start, end: close.position.end } : inner.position };
    kids.splice(i, 3, text);
  }
}

export default defineRule({ id: 'raw-html' }, (tree, _file, ctx) => {
  const visit = (node: Nodes) => {
    if (node.type === 'paragraph' || node.type === 'heading') scripts(node as Parent, ctx);
    else if ('children' in node) for (const c of node.children) visit(c as Nodes);
  };
  visit(tree);
  // inside an inline <script>…</script> pair: the closing tag to wait for, per parent
  const closing = new Map<Parent, RegExp>();
  const replaced = new Map<RootContent, Paragraph>();
  pruneTree(tree, (child, parent) => {
    const waiting = closing.get(parent);
    if (waiting) {
      if (child.type === 'html' && waiting.test(child.value)) closing.delete(parent);
      return false;
    }
    if (child.type !== 'html') return true;
    const value = child.value.trim();
    if (/^<!--[\s\S]*-->$/.test(value)) return true; // comments: never rendered, kept in the normalized text
    if (!ctx.allowed(ctx.at(child as Nodes))) return true;
    if (FORMAT.test(value) || (value.replace(TAGS, '').trim() === '' && /^</.test(value))) {
      ctx.info(`删除了没有文字的 HTML 标记「${snippet(value)}」`, ctx.at(child as Nodes));
      return false;
    }
    const words = value.replace(TAGS, ' ').replace(/\s+/g, ' ').trim();
    if (parent.type === 'root' && words && !/[<>]/.test(words)) {
      // formatting around text: the text stays as a paragraph of its own
      ctx.info(`去掉了 HTML 标记，文字保留为一段：「${snippet(words)}」`, ctx.at(child as Nodes));
      replaced.set(child, { type: 'paragraph', children: [{ type: 'text', value: words, position: child.position }], position: child.position });
      return true;
    }
    const opaque = OPAQUE.exec(child.value);
    const selfClosed = opaque && new RegExp(`</${opaque[1]}\\s*>`, 'i').test(child.value);
    if (opaque && parent.type !== 'root' && !selfClosed) {
      closing.set(parent, new RegExp(`^</${opaque[1]}\\s*>`, 'i'));
      ctx.warn(`删除了书稿中的 HTML 及其内容：「${snippet(child.value)}」…「</${opaque[1]}>」`, ctx.at(child as Nodes));
    } else {
      ctx.warn(`删除了书稿中的 HTML：「${snippet(child.value)}」；若其中有正文，请在书稿中改为文字`, ctx.at(child as Nodes));
    }
    return false;
  });
  if (replaced.size) tree.children = tree.children.map((n) => replaced.get(n) ?? n);
});
