/**
 * 目录 of the print edition, regenerated from the model (never copied from the OCR'd one):
 * 篇 and 章 lines, then one line per paper — title (——subtitle), unit, dotted leader, page.
 *
 * The page number slot `.toc-page[data-target]` is empty here and has a fixed width
 * (print.css); the browser-side handler fills it from the page map after layout, so
 * filling never changes the 目录's length.
 */
import type { Element } from 'hast';
import { isUntitledPart, type Volume } from '../../model/types.ts';
import { h } from './hast.ts';

export function tocNav(volume: Volume): Element {
  const { toc } = volume.meta;
  const items: Element[] = [];
  for (const part of volume.parts) {
    if (!isUntitledPart(part)) {
      items.push(
        h('li', { className: ['toc-part'], dataTarget: part.id }, [
          h('span', { className: ['toc-part-label'] }, [part.label]),
          ' ',
          h('span', { className: ['toc-part-name'] }, [part.title]),
        ]),
      );
    }
    for (const chapter of part.chapters) {
      if (chapter.title) {
        items.push(
          h('li', { className: ['toc-chapter'], dataTarget: chapter.id }, [
            chapter.label ? h('span', { className: ['toc-chapter-label'] }, [chapter.label]) : null,
            chapter.label ? ' ' : null,
            h('span', { className: ['toc-chapter-name'] }, [chapter.title]),
          ]),
        );
      }
      for (const paper of chapter.papers) {
        items.push(
          h('li', { className: ['toc-paper'] }, [
            // Two flex items that wrap: the title (with subtitle), then unit + leader + page.
            // A long title takes its own line(s) and the leader fills the whole last line.
            h('a', { className: ['toc-link'], href: `#${paper.id}` }, [
              h('span', { className: ['toc-text'] }, [
                h('span', { className: ['toc-title'] }, [paper.title]),
                toc.showSubtitle && paper.subtitle ? h('span', { className: ['toc-subtitle'] }, [`——${paper.subtitle}`]) : null,
              ]),
              h('span', { className: ['toc-line-end'] }, [
                toc.showUnit && paper.unit ? h('span', { className: ['toc-unit'] }, [paper.unit]) : null,
                h('span', { className: ['toc-leader'], ariaHidden: 'true' }, []),
                h('span', { className: ['toc-page'], dataTarget: paper.id, dataStyle: toc.pageNumberStyle }, []),
              ]),
            ]),
          ]),
        );
      }
    }
  }
  return h('nav', { className: ['toc'], id: 'toc', role: 'doc-toc', ariaLabel: '目录' }, [
    h('h1', { className: ['toc-heading'] }, ['目录']),
    h('ol', { className: ['toc-list'] }, items),
  ]);
}
