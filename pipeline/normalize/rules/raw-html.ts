/**
 * raw-html — HTML pasted into the manuscript (from Word or the web) never reaches an output.
 * Every raw HTML node, block or inline, is removed and reported as a warning with what it was,
 * so the editor can decide whether its text should be typed into the manuscript. Between an
 * inline opening and closing tag of an element whose content is not text for a reader
 * (`<script>…</script>`, `<style>`, `<iframe>`, `<object>`…), the enclosed text goes too.
 * Removing instead of escaping keeps both outputs free of markup a reader never meant to print.
 */
import type { Nodes, Parent } from 'mdast';
import { defineRule, type RuleExamples } from '../define-rule.ts';
import { pruneTree } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文里写着 a < b 和 x > y。\n'],
  notOk: [
    { in: '# 标题\n\n<div onclick="x()">块</div>\n\n正文。\n', out: '# 标题\n\n正文。\n', messages: ['3:1 raw-html'] },
    { in: '# 标题\n\n正文<script>steal()</script>继续。\n', out: '# 标题\n\n正文继续。\n', messages: ['3:3 raw-html'] },
    { in: '# 标题\n\n换<br>行。\n', out: '# 标题\n\n换行。\n', messages: ['3:2 raw-html'] },
  ],
};

/** Elements whose content is code or embedded media, not text for a reader. */
const OPAQUE = /^<(script|style|iframe|object|embed|noscript|template|textarea|svg|math|title)\b/i;

const snippet = (html: string) => {
  const one = html.replace(/\s+/g, ' ').trim();
  return [...one].length > 40 ? `${[...one].slice(0, 40).join('')}…` : one;
};

export default defineRule({ id: 'raw-html' }, (tree, _file, ctx) => {
  // inside an inline <script>…</script> pair: the closing tag to wait for, per parent
  const closing = new Map<Parent, RegExp>();
  pruneTree(tree, (child, parent) => {
    const waiting = closing.get(parent);
    if (waiting) {
      if (child.type === 'html' && waiting.test(child.value)) closing.delete(parent);
      return false;
    }
    if (child.type !== 'html') return true;
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
});
