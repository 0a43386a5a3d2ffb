/**
 * web-page-chrome — a web page saved as Markdown keeps the site around the text: navigation lists
 * of links, a search box's label, an empty `# `, a `## 2026/02/28 09:30 |` time stamp, a font-size
 * and 「分享到」 bar. At the very start of the manuscript, before any text of its own, such a run
 * is removed (info, one message per block): it is no part of the book, and its headings became
 * paper titles (the statistical communiqué of the real corpus printed 「Aa 字体：小 中 大 | 分享到：」
 * as a running head).
 *
 * Only a run that the site's own marks prove: at least two blocks, one of them a `javascript:`
 * link, a time stamp heading or a font-size/share bar. Elsewhere a list of links is content (a
 * magazine's 目录, a reading list), and so is a first paragraph that happens to be a link.
 */
import type { List, ListItem, PhrasingContent, RootContent } from 'mdast';
import type { RuleExamples } from '../define-rule.ts';
import { defineRule } from '../define-rule.ts';
import { plain } from '../text.ts';

export const examples: RuleExamples = {
  ok: [
    // a list of links that opens the text is content without the site's marks
    '- [第一篇](a.md)\n- [第二篇](b.md)\n\n# 第一篇\n\n正文。\n',
    // one block alone is never a run of chrome
    '## 2026/02/28 09:30 |\n\n正文。\n',
    // the marks after the text has begun: not at the start, not removed
    '# 标题\n\n正文。\n\n- [首页](/)\n- [新闻](javascript:;)\n\n搜索\n',
    // nothing after them: no text it would be the chrome of
    '- [首页](/)\n- [新闻](javascript:;)\n\n搜索\n',
  ],
  notOk: [
    {
      in: '- [首页](/)\n- [新闻](javascript:;)\n\n搜索\n\n# \n\n## 2026/02/28 09:30 |\n\n公报正文。\n',
      out: '公报正文。\n',
      messages: ['1:1 web-page-chrome', '4:1 web-page-chrome', '6:1 web-page-chrome', '8:1 web-page-chrome'],
    },
    {
      in: '[\n](https://example.com/ask "问")\n\n## Aa 字体： [小](javascript:;) [大](javascript:;) | 分享到：\n\n# 标题\n\n正文。\n',
      out: '# 标题\n\n正文。\n',
      messages: ['1:1 web-page-chrome', '4:1 web-page-chrome'],
    },
  ],
};

/** A site's tool words, alone in a block. */
const TOOL_WORD = /^(?:搜索|检索|登录|注册|首页|返回首页|返回顶部|无障碍|English|EN|打印|关闭|关闭窗口|【打印】|【关闭】|扫一扫|分享)$/i;
/** A page's publication stamp: a date and time, maybe the bar that followed it. */
const TIME_STAMP = /^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}:\d{2}(?::\d{2})?\s*\|?$/;
/** The font-size switcher and the share bar. */
const SITE_BAR = /字体\s*[：:]|字号\s*[：:]|分享到/;

const blank = (s: string) => !s.replace(/[\s\u00a0\u3000|｜]+/g, '');
const scriptLink = (nodes: PhrasingContent[]): boolean => nodes.some((n) => (n.type === 'link' && /^javascript:/i.test(n.url)) || ('children' in n && scriptLink(n.children as PhrasingContent[])));
/** Only links (and white space or bars between them). */
const linksOnly = (nodes: PhrasingContent[]) => nodes.some((n) => n.type === 'link') && nodes.every((n) => n.type === 'link' || (n.type === 'text' && blank(n.value)) || n.type === 'break');
const navItem = (item: ListItem): boolean =>
  item.children.every((c) => (c.type === 'paragraph' && linksOnly(c.children)) || (c.type === 'list' && navList(c)));
const navList = (list: List): boolean => list.children.length > 0 && list.children.every(navItem);
const listScripts = (list: List): boolean =>
  list.children.some((item) => item.children.some((c) => (c.type === 'paragraph' && scriptLink(c.children)) || (c.type === 'list' && listScripts(c))));

/** Is this block the site's, and does it carry the site's own mark? null: it is the text's. */
function chrome(node: RootContent): { marked: boolean } | null {
  if (node.type === 'list') return navList(node) ? { marked: listScripts(node) } : null;
  if (node.type !== 'heading' && node.type !== 'paragraph') return null;
  const text = plain(node).trim();
  if (node.type === 'heading' && !text) return { marked: false };
  if (scriptLink(node.children)) return { marked: true };
  if (TIME_STAMP.test(text) || (node.type === 'heading' && SITE_BAR.test(text))) return { marked: node.type === 'heading' };
  if (TOOL_WORD.test(text) || linksOnly(node.children)) return { marked: false };
  return null;
}

/** A block's text for the report, an icon link (no text) by its title: 「AI问」, not nothing. */
function shownText(node: RootContent | PhrasingContent | ListItem): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'link' && !plain(node).trim()) return node.title ? ` ${node.title} ` : '';
  if (!('children' in node)) return '';
  return (node.children as RootContent[]).map((c) => shownText(c)).join(node.type === 'list' || node.type === 'listItem' ? ' ' : '');
}

export default defineRule({ id: 'web-page-chrome' }, (tree, _file, ctx) => {
  const run: RootContent[] = [];
  let marked = false;
  /** The text of the manuscript begins after the run (a run that is all there is, is no chrome). */
  let text = false;
  for (const node of tree.children) {
    if (node.type === 'yaml' || node.type === 'html' || node.type === 'thematicBreak') continue;
    if (node.type === 'paragraph' && blank(plain(node)) && !node.children.some((c) => c.type === 'link')) continue;
    const found = chrome(node);
    if (!found) {
      text = true;
      break;
    }
    run.push(node);
    marked ||= found.marked;
  }
  if (run.length < 2 || !marked || !text) return;
  const removed = new Set(run.filter((node) => ctx.allowed(ctx.at(node))));
  for (const node of removed) {
    const text = shownText(node).replace(/\s+/g, ' ').trim();
    const shown = text ? (text.length > 24 ? `${text.slice(0, 24)}…` : text) : node.type === 'heading' ? '（空标题）' : '（只有链接）';
    ctx.info(`删除了网页的导航残留「${shown}」`, ctx.at(node));
  }
  tree.children = tree.children.filter((node) => !removed.has(node));
});
