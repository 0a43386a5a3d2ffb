/**
 * The print edition's HTML before pagination: 扉页 → front text (序, 前言) → 目录 → body (volumeToHast), with the
 * stylesheets inlined. Paged.js is NOT part of it; the renderer injects it. The @font-face
 * rules sit in their own <style data-pagedjs-ignore> so Paged.js leaves the loaded faces alone.
 */
import type { Element, ElementContent, Root } from 'hast';
import type { RootContent } from 'mdast';
import { toHtml } from 'hast-util-to-html';
import type { Chapter, Paper, Volume } from '../../model/types.ts';
import { visit } from 'unist-util-visit';
import { bookDefinitions, frontToHast, paperSectionHast, paperSlot, volumeSkeletonHast, volumeToHast } from '../html.ts';
import { h } from './hast.ts';
import { titlePage } from './title-page.ts';
import { tocNav } from './toc-page.ts';
import { compressPunctuation } from './punctuation.ts';
import { printLinkAddresses } from './link-address.ts';
import { planChunks, type ChunkPlan } from './chunk-plan.ts';
import { hashKey, type BuildCache } from '../../cache/store.ts';
import { opensChapterKey, paperContentKey, placeFree, renderCodeKey } from '../paper-key.ts';
import { hastText, mathLetters } from '../content/index.ts';
import { allAtOnce, type Steps } from '../../in-turns.ts';

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

/** What only the print edition does to the HTML: web addresses after their links, adjacent punctuation marked. */
const forPrint = (el: Element): Element => compressPunctuation(printLinkAddresses(el));

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
  ].map(forPrint);
}

/** One paper's `<section class="paper">` as printBody has it: running head set, punctuation marked. */
export function paperSection(paper: Paper, chapter: Chapter | null, head: string | undefined, definitions: RootContent[]): Element {
  const section = paperSectionHast(paper, chapter, definitions);
  if (head != null) section.properties.dataRunningTitle = head;
  return forPrint(section);
}

const HTML_OPTIONS = { characterReferences: { useNamedReferences: false } } as const;
const SLOT = /<!--juan-paper:([^>]*?)-->/g;

/** The print book's HTML, each paper's part of it built once or taken from the cache (printBook). */
export interface PrintBook {
  /** The chunks (front matter, then one per paper); a plan's `content` is built when read. */
  plans: ChunkPlan[];
  /** Each chunk's body HTML, as chunkBodyHtml(plan) gives it. */
  bodies: string[];
  /** print.html (printDocument of the whole book). */
  document(styles: PrintStyles): string;
  /**
   * The book's text by paper, in book order (null: 扉页, 目录, part titles), as far as it holds a
   * character of `chars`: a paper without any of them is given as '' (its tree is not rebuilt).
   */
  textByPaper(chars: Set<number>): Array<{ paperId: string | null; text: string }>;
  /** Papers whose HTML was taken from the cache / built in this call. */
  reused: number;
  built: number;
}

/**
 * The print HTML of the book (printBody, printDocument, the chunks of chunk-plan.ts) built from
 * pieces: every paper's `<section>` is serialised on its own — or taken from the cache, keyed by
 * its content and what else shapes it (paper-key.ts: never its place in the book) — and put into
 * the serialised skeleton of the rest (volumeSkeletonHast: 扉页, 目录, parts, chapters). The
 * result is byte for byte the serialisation of printBody (tests/print/print-html.test.ts).
 */
export function printBook(volume: Volume, heads: Map<string, string>, cache?: BuildCache): PrintBook {
  return allAtOnce(printBookSteps(volume, heads, cache));
}

/** printBook, a step per paper (in-turns.ts). */
export function* printBookSteps(volume: Volume, heads: Map<string, string>, cache?: BuildCache): Steps<PrintBook> {
  const definitions = bookDefinitions(volume);
  const base = hashKey('print-paper-html', renderCodeKey(), definitions.length ? JSON.stringify(definitions, placeFree) : '');
  const sections = new Map<string, string>();
  const trees = new Map<string, () => Element>();
  let reused = 0;
  for (const part of volume.parts) {
    for (const chapter of part.chapters) {
      for (const [i, paper] of chapter.papers.entries()) {
        const opens = i === 0 ? chapter : null;
        const head = heads.get(paper.id);
        let tree: Element | null = null;
        const build = () => (tree ??= paperSection(paper, opens, head, definitions));
        trees.set(paper.id, build);
        const key = hashKey(base, paperContentKey(paper), opensChapterKey(opens), JSON.stringify(head ?? null));
        let html = cache?.get('paperhtml', key, 'html')?.toString('utf8');
        if (html == null) {
          html = toHtml(build(), HTML_OPTIONS);
          cache?.put('paperhtml', key, 'html', html);
        } else {
          reused++;
          // precomposed math letters (content/index.ts) are noted while a formula is set: a paper from the cache notes its own
          for (const m of html.matchAll(/<span class="mord juan-accented">([^<]*)<\/span>/g)) for (const ch of m[1]!) mathLetters.add(ch.codePointAt(0)!);
        }
        sections.set(paper.id, html);
        yield;
      }
    }
  }
  const fill = (html: string) => html.replace(SLOT, (_all, id: string) => sections.get(id)!);
  const front = (volume.front ?? []).flatMap((f) => frontToHast(f, 'html').children as Element[]);
  const body = [
    titlePage(volume.meta),
    ...front,
    tocNav(volume),
    h('main', { className: ['book-body'], id: 'book-body' }, volumeSkeletonHast(volume).children as Element[]),
  ].map(forPrint);
  const plans = planChunks(volume, body, (id) => trees.get(id)!());
  return {
    plans,
    bodies: plans.map((plan) => fill(toHtml({ type: 'root', children: plan.skeleton }, HTML_OPTIONS))),
    document: (styles) => fill(printDocument(volume, styles, body)),
    textByPaper(chars) {
      const out: Array<{ paperId: string | null; text: string }> = [];
      const holds = (html: string) => [...chars].some((cp) => html.includes(String.fromCodePoint(cp)));
      const walk = (node: ElementContent) => {
        if (node.type === 'text') return void out.push({ paperId: null, text: node.value });
        if (node.type === 'comment' && node.value.startsWith(paperSlot(''))) {
          const id = node.value.slice(paperSlot('').length);
          return void out.push({ paperId: id, text: holds(sections.get(id)!) ? hastText(trees.get(id)!()) : '' });
        }
        if (node.type === 'element') node.children.forEach(walk);
      };
      body.forEach(walk);
      return out;
    },
    reused,
    built: sections.size - reused,
  };
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
