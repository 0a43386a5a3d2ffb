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
 * precede them is added when the chunks are assembled (chunked.ts).
 */
import type { Element, ElementContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import type { Volume } from '../../model/types.ts';
import { h } from '../../../templates/print-hast.ts';

export interface ChunkPlan {
  /** 0 = front matter; body chunks from 1, in book order. */
  index: number;
  kind: 'front' | 'body';
  /** Paper ids in the chunk (empty for the front matter). */
  papers: string[];
  /** The chunk begins with a 篇 title page (or is the first body chunk): it must start on a recto. */
  rectoStart: boolean;
  /** The <body> content of the chunk's document. */
  content: Element[];
}

/** Styles that only the chunk documents need. */
export const CHUNK_CSS = [
  // Only the first body chunk opens the body on a recto in its own document; the others continue it.
  '.book-body.juan-cont{break-before:auto}',
  '.juan-sentinel{break-before:right}',
].join('\n');

const cls = (el: Element): string[] => (el.properties?.className as string[] | undefined) ?? [];

/**
 * Split printBody(volume) (title page, 目录, main.book-body) into chunks. The elements are
 * shared with `body`, not copied: serialise, do not mutate.
 */
export function planChunks(volume: Volume, body: Element[]): ChunkPlan[] {
  const main = body.find((el) => el.tagName === 'main' && cls(el).includes('book-body'));
  if (!main) throw new Error('print body without main.book-body');
  const front = body.filter((el) => el !== main);
  const chunks: ChunkPlan[] = [
    {
      index: 0,
      kind: 'front',
      papers: [],
      rectoStart: true,
      content: [...front, h('div', { className: ['juan-sentinel'] }, ['\u00a0'])],
    },
  ];
  const mainFor = (first: boolean, children: ElementContent[]) =>
    h('main', first ? { ...main.properties } : { className: ['book-body', 'juan-cont'] }, children);
  for (const part of main.children) {
    if (part.type !== 'element') continue;
    const [title, ...chapters] = part.children.filter((c): c is Element => c.type === 'element');
    let firstOfPart = true;
    for (const chapter of chapters) {
      for (const paper of chapter.children) {
        if (paper.type !== 'element') continue;
        const chapterEl = h('div', { ...chapter.properties }, [paper]);
        const inner = firstOfPart ? [h('section', { ...part.properties }, [title!, chapterEl])] : [chapterEl];
        chunks.push({
          index: chunks.length,
          kind: 'body',
          papers: [String(paper.properties!.id)],
          rectoStart: firstOfPart || chunks.length === 1,
          content: [mainFor(chunks.length === 1, inner)],
        });
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
 * A tab's HTML document: the same shell and styles as print.html, the chunk styles and the
 * layout scripts, and an empty body — the chunks are laid out into it one after another
 * (paged-handlers.js `juan.runChunk`). `data-juan-print-ready` on <html>: pages keep their
 * bleed and crop-mark boxes.
 */
export function shellDocument(lang: string, title: string, styles: ChunkStyles, printReady: boolean): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    `<!doctype html><html lang="${esc(lang)}"${printReady ? ' data-juan-print-ready' : ''}><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    // The @font-face rules come later (juan.setFonts), once the subsets are made.
    `<style id="juan-fonts" data-pagedjs-ignore></style>` +
    `<style id="juan-page">\n${styles.page}\n</style>` +
    `<style id="juan-shared">\n${styles.shared}\n</style>` +
    `<style id="juan-print">\n${styles.print}\n</style>` +
    `<style id="juan-chunk">\n${CHUNK_CSS}\n</style>` +
    `<script defer src="/_juan/paged.js"></script><script defer src="/_juan/content-handlers.js"></script><script defer src="/_juan/handlers.js"></script>` +
    `</head><body></body></html>`
  );
}
