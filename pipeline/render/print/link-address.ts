/**
 * Web addresses printed after their links. A printed page cannot be clicked, so a link whose text
 * is not its address (content/index.ts `show-address`) is followed by the address in brackets —
 * as text of the page, not generated content (`::after`): Paged.js breaks a page only between
 * nodes and inside text nodes, and the layout checks count text nodes, so an address in `::after`
 * that wrapped past the foot of a page was cut off unseen (kaiyuanshe-2023-data: the last two
 * lines of a reference's address; rust-magazine-2021 too). It breaks like code (codeBreaks) and,
 * failing that, anywhere (print.css `.link-address`). The EPUB keeps the link alone.
 */
import type { Element, Root } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import { withCodeBreaks } from '../content/index.ts';
import { h } from './hast.ts';

export function printLinkAddresses<T extends Element | Root>(tree: T): T {
  visit(tree, 'element', (el: Element, index, parent) => {
    if (el.tagName !== 'a' || !(el.properties.className as string[] | undefined)?.includes('show-address') || !parent || index === undefined) return;
    const address = h('span', { className: ['link-address'] }, ['（', ...withCodeBreaks(String(el.properties.href ?? '')), '）']);
    parent.children.splice(index + 1, 0, address);
    return [SKIP, index + 2];
  });
  return tree;
}
