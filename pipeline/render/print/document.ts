/**
 * The print edition's HTML before pagination: 扉页 → front text (序, 前言) → 目录 → body (volumeToHast), with the
 * stylesheets inlined. Paged.js is NOT part of it; the renderer injects it. The @font-face
 * rules sit in their own <style data-pagedjs-ignore> so Paged.js leaves the loaded faces alone.
 */
import type { Element, Root } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { Volume } from '../../model/types.ts';
import { visit } from 'unist-util-visit';
import { frontToHast, volumeToHast } from '../html.ts';
import { h } from './hast.ts';
import { titlePage } from './title-page.ts';
import { tocNav } from './toc-page.ts';
import { compressPunctuation } from './punctuation.ts';

export interface PrintStyles {
  /** @font-face rules (relative URLs to assets/fonts/). */
  fonts: string;
  /** Generated @page geometry. */
  page: string;
  /** styles/shared.css */
  shared: string;
  /** styles/print.css */
  print: string;
}

/**
 * The <body> content: title page, 目录, the book body. `heads`: the recto running head of each
 * paper by id (running-head.ts `rectoHeads`), carried to the margin box by print.css's string-set.
 */
export function printBody(volume: Volume, heads: Map<string, string>): Element[] {
  const body = volumeToHast(volume);
  visit(body, 'element', (el: Element) => {
    if (el.tagName !== 'section' || !(el.properties.className as string[] | undefined)?.includes('paper')) return;
    const head = heads.get(String(el.properties.id));
    if (head != null) el.properties.dataRunningTitle = head;
  });
  // front text (序, 前言…) after the 扉页 and before the 目录, in manuscript order, as a Chinese book sets its 序
  const front = (volume.front ?? []).flatMap((f) => frontToHast(f, 'html').children as Element[]);
  return [
    titlePage(volume.meta),
    ...front,
    tocNav(volume),
    h('main', { className: ['book-body'], id: 'book-body' }, body.children as Element[]),
  ].map((el) => compressPunctuation(el));
}

/** `body`: printBody(volume, heads), built once by renderPrint. */
export function printDocument(volume: Volume, styles: PrintStyles, body: Element[]): string {
  const style = (id: string, css: string, ignore = false) =>
    h('style', { id, ...(ignore ? { dataPagedjsIgnore: '' } : {}) }, [{ type: 'text', value: `\n${css}\n` }]);
  const tree: Root = {
    type: 'root',
    children: [
      { type: 'doctype' },
      h('html', { lang: volume.meta.language || 'zh-CN' }, [
        h('head', {}, [
          h('meta', { charSet: 'utf-8' }),
          h('title', {}, [volume.meta.title]),
          style('juan-fonts', styles.fonts, true),
          style('juan-page', styles.page),
          style('juan-shared', styles.shared),
          style('juan-print', styles.print),
        ]),
        h('body', {}, body),
      ]),
    ],
  };
  return toHtml(tree, { characterReferences: { useNamedReferences: false } });
}
