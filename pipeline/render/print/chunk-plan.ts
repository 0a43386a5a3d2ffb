/**
 * The print book cut into documents that Paged.js can lay out independently:
 *
 *   front   扉页 + 目录, ending with a sentinel page that starts on a recto (so the front matter
 *           ends on a verso exactly as when the body followed it); the sentinel page is dropped
 *   body    one chunk per paper; the first paper of a 篇 carries the part-title page with it
 *
 * Why a paper can be laid out alone: every paper starts on a new page, and the mirrored margins
 * keep the line length on both sides, so a paper breaks into the same pages wherever it starts.
 * What does depend on where it starts — folios, verso/recto margins and running heads — is
 * stamped after layout (paged-handlers.js `juan.stamp`). Right-hand starts are only ever at
 * the start of a chunk (a 篇 title page, the body's first page); the blank verso that may
 * precede them is added when the chunks are assembled (folios.ts).
 */
import type { Element, ElementContent } from 'hast';
import { readFileSync } from 'node:fs';
import ejs from 'ejs';
import { toHtml } from 'hast-util-to-html';
import { projectPath } from '../../paths.ts';
import type { Volume } from '../../model/types.ts';
import { h } from './hast.ts';
import { paperSlot } from '../html.ts';

export interface ChunkPlan {
  /** 0 = front matter; body chunks from 1, in book order. */
  index: number;
  kind: 'front' | 'body';
  /** Paper ids in the chunk (empty for the front matter). */
  papers: string[];
  /** The chunk begins with a 篇 title page (or is the first body chunk): it must start on a recto. */
  rectoStart: boolean;
  /** The <body> content of the chunk's document (built when first read, when the plan has a skeleton). */
  content: Element[];
  /** The same with each paper a comment `juan-paper:<id>` (html.ts paperSlot), when planned from a skeleton. */
  skeleton: ElementContent[];
}

/** The layout tabs' document (EJS). */
const SHELL_TEMPLATE = projectPath('templates', 'print-shell.ejs');

/** Styles that only the chunk documents need. */
export const CHUNK_CSS = [
  // Only the first body chunk opens the body on a recto in its own document; the others continue it.
  '.book-body.juan-cont{break-before:auto}',
  '.juan-sentinel{break-before:right}',
].join('\n');

const cls = (el: Element): string[] => (el.properties?.className as string[] | undefined) ?? [];

/** A chunk plan whose `content` is its skeleton with the papers put in (resolve), made when first read. */
function plan(fields: Omit<ChunkPlan, 'content'>, resolve?: (id: string) => Element): ChunkPlan {
  if (!resolve) return { ...fields, content: fields.skeleton as Element[] };
  let content: Element[] | null = null;
  const put = (node: ElementContent): ElementContent =>
    node.type === 'comment' && node.value.startsWith(paperSlot('')) ? resolve(node.value.slice(paperSlot('').length))
      : node.type === 'element' ? { ...node, children: node.children.map(put) } : node;
  return Object.defineProperty({ ...fields }, 'content', { enumerable: true, get: () => (content ??= fields.skeleton.map(put) as Element[]) }) as ChunkPlan;
}

/**
 * Split printBody(volume) (title page, 目录, main.book-body) into chunks. The elements are
 * shared with `body`, not copied: serialise, do not mutate. `body` may be a skeleton whose
 * papers are comments (html.ts paperSlot, print/document.ts printBook): `resolve` gives a
 * paper's element for `content`.
 */
export function planChunks(volume: Volume, body: Element[], resolve?: (id: string) => Element): ChunkPlan[] {
  const main = body.find((el) => el.tagName === 'main' && cls(el).includes('book-body'));
  if (!main) throw new Error('print body without main.book-body');
  const front = body.filter((el) => el !== main);
  const chunks: ChunkPlan[] = [
    plan({
      index: 0,
      kind: 'front',
      papers: [],
      rectoStart: true,
      skeleton: [...front, h('div', { className: ['juan-sentinel'] }, ['\u00a0'])],
    }),
  ];
  const mainFor = (first: boolean, children: ElementContent[]) =>
    h('main', first ? { ...main.properties } : { className: ['book-body', 'juan-cont'] }, children);
  for (const part of main.children) {
    if (part.type !== 'element') continue;
    const children = part.children.filter((c): c is Element => c.type === 'element');
    // a part without 篇 line (html.ts) has no title element: all its children are chapters
    const [title, ...chapters]: [Element | null, ...Element[]] = cls(part).includes('part-untitled') ? [null, ...children] : [children[0]!, ...children.slice(1)];
    let firstOfPart = true;
    for (const chapter of chapters) {
      for (const paper of chapter.children) {
        const slot = paper.type === 'comment' && paper.value.startsWith(paperSlot('')) ? paper.value.slice(paperSlot('').length) : null;
        if (paper.type !== 'element' && slot === null) continue;
        const chapterEl = h('div', { ...chapter.properties }, [paper]);
        const inner = firstOfPart ? [h('section', { ...part.properties }, [title, chapterEl])] : [chapterEl];
        chunks.push(plan({
          index: chunks.length,
          kind: 'body',
          papers: [slot ?? String((paper as Element).properties!.id)],
          rectoStart: firstOfPart || chunks.length === 1,
          skeleton: [mainFor(chunks.length === 1, inner)],
        }, resolve));
        firstOfPart = false;
      }
    }
  }
  if (chunks.length === 1) throw new Error('print body without papers');
  void volume;
  return chunks;
}

export interface ChunkStyles {
  page: string;
  shared: string;
  print: string;
}

/** Serialise a chunk's body content (also what its cache key and font selection read). */
export function chunkBodyHtml(chunk: ChunkPlan): string {
  return toHtml({ type: 'root', children: chunk.content }, { characterReferences: { useNamedReferences: false } });
}

/**
 * A tab's HTML document (templates/print-shell.ejs): the same styles as print.html, the chunk styles and the
 * layout scripts, and an empty body — the chunks are laid out into it one after another
 * (paged-handlers.js `juan.runChunk`). `data-juan-print-ready` on <html>: pages keep their
 * bleed and crop-mark boxes. `data-juan-stock-paged`: no replacement of Paged.js methods (tests).
 */
export function shellDocument(lang: string, title: string, styles: ChunkStyles, printReady: boolean, stockPaged = false): string {
  return ejs.render(readFileSync(SHELL_TEMPLATE, 'utf8'), { lang, title, styles, printReady, stockPaged, chunkCss: CHUNK_CSS });
}
