/**
 * image-source — images a manuscript may not load. Remote images (`http:`, `data:`…), absolute
 * paths (`file:///etc/…`, `/etc/…`) and paths that climb out of the manuscript folder (`../..`)
 * are refused: removed and reported, never fetched or embedded. Images inside the manuscript
 * folder are not supported by the writers yet; they are removed with a warning too, so no
 * output silently shows a broken picture.
 */
import type { Nodes } from 'mdast';
import { defineRule, type RuleExamples } from '../define-rule.ts';
import { pruneTree } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文没有图片。\n'],
  notOk: [
    { in: '# 标题\n\n![机密](file:///etc/passwd)\n\n正文。\n', out: '# 标题\n\n正文。\n', messages: ['3:1 image-source'] },
    { in: '# 标题\n\n见图![越界](../../etc/hostname)。\n', out: '# 标题\n\n见图。\n', messages: ['3:3 image-source'] },
    { in: '# 标题\n\n![远程](http://example.com/a.png)\n', out: '# 标题\n', messages: ['3:1 image-source'] },
    { in: '# 标题\n\n![图一](img/fig1.png)\n', out: '# 标题\n', messages: ['3:1 image-source'] },
  ],
};

function verdict(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return '拒绝加载书稿以外的图片（远程或 file: 地址）';
  if (url.startsWith('/') || url.startsWith('\\')) return '拒绝加载书稿文件夹以外的图片（绝对路径）';
  if (url.split(/[\\/]/).includes('..')) return '拒绝加载书稿文件夹以外的图片（路径含 ..）';
  return '图片暂不支持，已从正文移除';
}

export default defineRule({ id: 'image-source' }, (tree, _file, ctx) => {
  pruneTree(tree, (child) => {
    if (child.type !== 'image' && child.type !== 'imageReference') return true;
    const url = child.type === 'image' ? child.url : `[${child.identifier}]`;
    ctx.warn(`${verdict(url)}：「${url}」`, ctx.at(child as Nodes));
    return false;
  });
});
