/**
 * Volume model → HTML (hast), shared by the print and EPUB writers.
 *
 * The model is turned into an mdast tree with three custom node types
 * (`juanPart`, `juanChapter`, `juanPaper`); remark-rehype turns it into hast with our
 * handlers for those nodes and the default ones for the paper bodies; rehype-stringify
 * serialises. Raw HTML in the manuscript is dropped here (remark-rehype without
 * `allowDangerousHtml`), so nothing a manuscript contains can run in either output.
 *
 * Heading ranks: part h1, chapter h2, paper title h3, paper sections h4 (一、) h5 （一）
 * h6 (1.); a 4th section level (（1）) becomes a run-in paragraph.
 * Every top-level block of a paper body gets a stable id `${paper.id}-b${n}`, which the
 * print page map uses to say where each page begins and the EPUB uses for its page-breaks.
 */
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Root as MdastRoot, RootContent } from 'mdast';
import type { Handler, State } from 'mdast-util-to-hast';
import { unified, type Processor } from 'unified';
import remarkRehype from 'remark-rehype';
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize';
import rehypeStringify from 'rehype-stringify';
import { isUntitledPart, type Chapter, type FrontSection, type Paper, type Part, type Volume } from '../model/types.ts';
import { contentHandlers, keepMath, mathHast, prepareBody, setNoteSanitizer, shield } from './content/index.ts';
import { isDisplayMathParagraph } from '../normalize/text.ts';
import { numberingOf } from '../model/numbering.ts';

export interface JuanPartNode { type: 'juanPart'; part: Part; children: RootContent[] }
export interface JuanChapterNode { type: 'juanChapter'; chapter: Chapter; children: RootContent[] }
export interface JuanPaperNode { type: 'juanPaper'; paper: Paper; chapter: Chapter | null; children: RootContent[] }
export interface JuanFrontNode { type: 'juanFront'; front: FrontSection; children: RootContent[] }
/** Where a paper goes in the body's skeleton (volumeSkeletonHast): a comment `juan-paper:<id>`. */
export interface JuanPaperSlotNode { type: 'juanPaperSlot'; paper: Paper }

declare module 'mdast' {
  interface RootContentMap {
    juanPart: JuanPartNode;
    juanChapter: JuanChapterNode;
    juanPaper: JuanPaperNode;
    juanFront: JuanFrontNode;
    juanPaperSlot: JuanPaperSlotNode;
  }
}

/** The id of a paper body's n-th block (0-based); shared with the page map and EPUB page-breaks. */
export function blockId(paper: Paper, n: number): string {
  return `${paper.id}-b${n}`;
}

function h(tag: string, properties: Record<string, unknown>, children: ElementContent[]): Element {
  return { type: 'element', tagName: tag, properties: properties as Element['properties'], children };
}
function text(value: string): ElementContent {
  return { type: 'text', value };
}

const SECTION_TAG = ['h4', 'h5', 'h6'];

/**
 * Allow-list for what a manuscript body may put into either output (GitHub's schema, minus
 * id clobbering, plus our section classes). Raw HTML never gets this far (remark-rehype drops
 * it); this is the second line: no `javascript:`/`data:` URLs, no event handlers, no
 * script/iframe/object/style, whatever a future reader produces.
 */
const BODY_SCHEMA: Schema = {
  ...defaultSchema,
  clobber: [],
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className', 'role', 'ariaLevel'],
    // content/: our classes on lists, the 表N label a continued table repeats (GitHub's schema pins these classes)
    ol: [...(defaultSchema.attributes?.ol ?? []).filter((a) => !(Array.isArray(a) && a[0] === 'className')), 'className'],
    // content/index.ts `show-address` on web links (GitHub's schema pins a's classes to its footnotes')
    a: [...(defaultSchema.attributes?.a ?? []).filter((a) => !(Array.isArray(a) && a[0] === 'className')), 'className'],
    table: ['className', 'dataTableLabel'],
  },
  tagNames: [...(defaultSchema.tagNames ?? []), 'caption', 'wbr'],
  // `src`: no protocol at all (relative only) — an empty list would mean "anything goes".
  protocols: { href: ['http', 'https', 'mailto'], cite: ['http', 'https'], src: ['relative-only'] },
};

/** The sanitized children of a paper body (manuscript-derived content only). */
function sanitizeBody(children: ElementContent[]): ElementContent[] {
  const clean = sanitize({ type: 'root', children } as HastRoot, BODY_SCHEMA) as HastRoot;
  return dropEscapingSources(clean.children as ElementContent[]);
}
setNoteSanitizer(sanitizeBody);

/** Relative sources that climb out of the manuscript folder or are absolute paths never load. */
function dropEscapingSources(children: ElementContent[]): ElementContent[] {
  return children.flatMap((child): ElementContent[] => {
    if (child.type !== 'element') return [child];
    const src = child.properties?.src;
    if (child.tagName === 'img' && (typeof src !== 'string' || src.startsWith('/') || src.split(/[\\/]/).includes('..'))) return [];
    return [{ ...child, children: dropEscapingSources(child.children) }];
  });
}

/** The paper header: chapter title when this paper opens a chapter, title, subtitle, unit. */
function paperHeader(paper: Paper, chapter: Chapter | null): Element {
  const header: ElementContent[] = [];
  if (chapter && chapter.title) {
    header.push(
      h('h2', { className: ['chapter-title'], id: chapter.id }, [
        h('span', { className: ['chapter-label'] }, [text(chapter.label ?? '')]),
        text(' '),
        h('span', { className: ['chapter-name'] }, [text(chapter.title)]),
      ]),
    );
  }
  header.push(h('h3', { className: ['paper-title'] }, breakableSegments(paper.title)));
  if (paper.subtitle) header.push(h('p', { className: ['paper-subtitle'] }, [text(`——${paper.subtitle}`)]));
  if (paper.unit) header.push(h('p', { className: ['paper-unit'] }, [text(paper.unit)]));
  return h('header', { className: ['paper-header'] }, header);
}

/**
 * A title or heading as segments that wrap whole: where the text has a space or a ——, those
 * are the only places it breaks (each segment is an inline-block; one longer than the line
 * still wraps inside itself). Text without them is returned as is and breaks anywhere.
 */
export function breakableSegments(value: string): ElementContent[] {
  const segments = value.split(/\s+|(?=——)/).filter(Boolean);
  if (segments.length < 2) return [text(value)];
  return segments.flatMap((seg, i): ElementContent[] => {
    const span = h('span', { className: ['title-seg'] }, [text(seg)]);
    // A space in the text stays a space; before —— the break needs no space.
    return i === 0 ? [span] : seg.startsWith('——') ? [span] : [text(' '), span];
  });
}

/** A section heading's content as number + text, so a wrapped heading hangs under its text. */
function hangingHeading(children: ElementContent[]): ElementContent[] {
  const first = children[0];
  const found = first?.type === 'text' ? numberingOf(first.value) : null;
  if (!found || first?.type !== 'text') return children;
  const rest = first.value.trimStart().slice(found.number.length).trimStart();
  const restNodes: ElementContent[] = children.length === 1 ? breakableSegments(rest) : [text(rest), ...children.slice(1)];
  return [h('span', { className: ['section-number'] }, [text(found.number)]), h('span', { className: ['section-text'] }, restNodes)];
}

/** The text a hast element starts with (for run-in heads). */
function leadingText(node: ElementContent | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return leadingText(node.children[0]);
  return '';
}

const handlers: Record<string, Handler> = {
  ...contentHandlers,
  juanPart(state: State, node: JuanPartNode): Element {
    const { part } = node;
    // A part without a 篇 line prints no part page: the section only groups its papers (no
    // title element; the page map places the part where its first paper starts).
    if (isUntitledPart(part)) return h('section', { className: ['part', 'part-untitled'], id: part.id }, state.all(node as never));
    return h('section', { className: ['part'], id: part.id, dataPartTitle: `${part.label} ${part.title}` }, [
      h('h1', { className: ['part-title'] }, [
        h('span', { className: ['part-label'] }, [text(part.label)]),
        text(' '),
        h('span', { className: ['part-name'] }, [text(part.title)]),
      ]),
      ...state.all(node as never),
    ]);
  },
  juanChapter(state: State, node: JuanChapterNode): Element {
    return h('div', { className: ['chapter'], dataChapterId: node.chapter.id }, state.all(node as never));
  },
  juanPaper(state: State, node: JuanPaperNode): Element {
    const { paper } = node;
    const body = shield(state.all(node as never), sanitizeBody).filter((child) => child.type === 'element') as Element[];
    body.forEach((el, n) => {
      el.properties = { ...el.properties, id: blockId(paper, n) };
    });
    return h(
      'section',
      {
        className: ['paper', ...(paper.truncated ? ['paper-truncated'] : [])],
        id: paper.id,
      },
      [paperHeader(paper, node.chapter), h('div', { className: ['paper-body'] }, body)],
    );
  },
  juanPaperSlot(_state: State, node: JuanPaperSlotNode) {
    return { type: 'comment', value: paperSlot(node.paper.id) };
  },
  // Front text (序, 前言…): a section of its own, its title as the paper titles are set, blocks numbered like a paper's.
  juanFront(state: State, node: JuanFrontNode): Element {
    const { front } = node;
    const body = shield(state.all(node as never), sanitizeBody).filter((child) => child.type === 'element') as Element[];
    body.forEach((el, n) => {
      el.properties = { ...el.properties, id: `${front.id}-b${n}` };
    });
    return h('section', { className: ['front-section'], id: front.id }, [
      ...(front.title ? [h('header', { className: ['paper-header', 'front-header'] }, [h('h3', { className: ['paper-title', 'front-title'] }, breakableSegments(front.title))])] : []),
      h('div', { className: ['front-body'] }, body),
    ]);
  },
  heading(state: State, node): Element {
    // Paper section headings carry a depth relative to the paper (1 = 一、).
    const depth = (node as { depth: number }).depth;
    const tag = SECTION_TAG[depth - 1];
    const children = state.all(node);
    const numbering = numberingOf(leadingText(children[0]));
    const level = numbering ? [`numbering-${numbering.level}`] : [];
    if (tag) return h(tag, { className: [`section-${depth}`, ...level] }, hangingHeading(children));
    return h('p', { className: [`section-${depth}`, 'run-in', ...level], role: 'heading', ariaLevel: String(depth + 3) }, [
      h('strong', {}, children),
    ]);
  },
  paragraph(state: State, node): Element {
    // `$$…$$` on a line of its own is display math (remark-math reads the one-line form as inline)
    if (isDisplayMathParagraph(node)) {
      const blocks = (node.children as Array<{ type: string; value: string }>).filter((c) => c.type === 'inlineMath').map((c) => mathHast(c.value, true));
      const result = blocks.length === 1 ? blocks[0]! : h('div', {}, blocks);
      state.patch(node, result);
      return result;
    }
    // A paragraph that opens with a bold numbered head (（一）…。 text…) is a run-in head of that level.
    const children = state.all(node);
    const first = children[0];
    const numbering = first?.type === 'element' && first.tagName === 'strong' ? numberingOf(leadingText(first)) : null;
    // a numbered bold head that is the whole paragraph is a heading line: kept with the text after it
    const alone = numbering && children.every((c, i) => i === 0 || (c.type === 'text' && !c.value.trim()));
    const result = h('p', numbering ? { className: ['run-in', `numbering-${numbering.level}`, ...(alone ? ['head-line'] : [])] } : {}, children);
    state.patch(node, result);
    return state.applyData(node, result);
  },
};

/** The mdast of one paper (its header is generated by the handler). */
function paperNode(paper: Paper, chapter: Chapter | null): JuanPaperNode {
  return { type: 'juanPaper', paper, chapter, children: prepareBody(paper.body, paper.id) };
}

/** The comment that stands for a paper in the body's skeleton. */
export function paperSlot(id: string): string {
  return `juan-paper:${id}`;
}

/** mdast of the whole body: parts → chapters → papers. A chapter's title heads its first paper. */
export function volumeToMdast(volume: Volume, paper: (paper: Paper, chapter: Chapter | null) => RootContent = paperNode): MdastRoot {
  return {
    type: 'root',
    children: volume.parts.map(
      (part): JuanPartNode => ({
        type: 'juanPart',
        part,
        children: part.chapters.map(
          (chapter): JuanChapterNode => ({
            type: 'juanChapter',
            chapter,
            children: chapter.papers.map((p, i) => paper(p, i === 0 ? chapter : null)),
          }),
        ),
      }),
    ),
  };
}

const toHast = unified().use(remarkRehype, { handlers: handlers as never });

/** Body of the volume as hast (no title page / 目录: those are the writers' templates). */
export function volumeToHast(volume: Volume): HastRoot {
  const tree = toHast.runSync(volumeToMdast(volume)) as HastRoot;
  keepMath(tree, 'html'); // print: KaTeX's HTML; its MathML (with the TeX) would be text in the PDF
  return tree;
}

/**
 * The body as volumeToHast makes it, but every paper a comment `paperSlot(id)`: parts, chapters
 * and the whitespace between them, for writers that put each paper's HTML in on their own
 * (print/document.ts, which takes unchanged papers from the cache).
 */
export function volumeSkeletonHast(volume: Volume): HastRoot {
  return toHast.runSync(volumeToMdast(volume, (paper): JuanPaperSlotNode => ({ type: 'juanPaperSlot', paper }))) as HastRoot;
}

/**
 * Link definitions (`[x]: url`) of every paper, in book order. In volumeToHast the whole body is
 * one tree, so a reference resolves to the first definition of its label anywhere in the book;
 * paperSectionHast gives them to each paper's tree for the same result.
 */
export function bookDefinitions(volume: Volume): RootContent[] {
  const papers = volume.parts.flatMap((part) => part.chapters.flatMap((chapter) => chapter.papers));
  const find = (nodes: RootContent[], out: RootContent[]) => {
    for (const n of nodes) {
      if (n.type === 'definition') out.push(n);
      else if ('children' in n) find(n.children as RootContent[], out);
    }
    return out;
  };
  // Most books have none: the raw bodies hold every definition the prepared ones do.
  if (!papers.some((paper) => find(paper.body, []).length)) return [];
  // The whole tree's definitions are those of the prepared bodies (a definition inside a footnote
  // is out of its reach there: prepareBody moves notes out of `children`).
  return papers.flatMap((paper) => find(prepareBody(paper.body, paper.id), []));
}

/**
 * One paper's `<section class="paper">` exactly as volumeToHast makes it (print: `math` 'html'),
 * `definitions`: bookDefinitions(volume), which come before the paper so that the first
 * definition of a label in the book wins, as in the whole tree. They print nothing.
 */
export function paperSectionHast(paper: Paper, chapter: Chapter | null, definitions: RootContent[]): Element {
  const tree = toHast.runSync({ type: 'root', children: [...definitions, paperNode(paper, chapter)] }) as HastRoot;
  keepMath(tree, 'html');
  const section = tree.children.find((c): c is Element => c.type === 'element');
  if (!section || tree.children.length !== 1) throw new Error(`paperSectionHast: one section expected for ${paper.id}`);
  return section;
}

/** One paper as hast (for the EPUB, one file per paper). `chapter` when the paper opens a chapter. */
export function paperToHast(paper: Paper, chapter: Chapter | null): HastRoot {
  const tree = toHast.runSync({ type: 'root', children: [paperNode(paper, chapter)] }) as HastRoot;
  keepMath(tree, 'mathml'); // EPUB: MathML
  return tree;
}

/** One front section as hast (print: `math` 'html'; EPUB: 'mathml'). */
export function frontToHast(front: FrontSection, math: 'html' | 'mathml'): HastRoot {
  const node: JuanFrontNode = { type: 'juanFront', front, children: prepareBody(front.body, front.id) };
  const tree = toHast.runSync({ type: 'root', children: [node] }) as HastRoot;
  keepMath(tree, math);
  return tree;
}

/** Serialise hast to HTML (or XHTML for the EPUB: self-closing void elements, no character references for CJK). */
export function stringifyHast(tree: HastRoot, options: { xhtml?: boolean } = {}): string {
  // one frozen processor per flavour: the EPUB serialises every page-break marker on its own (hundreds of calls)
  const processor = (stringifiers[options.xhtml ? 'xhtml' : 'html'] ??= unified()
    .use(rehypeStringify, {
      ...(options.xhtml ? { closeSelfClosing: true, closeEmptyElements: true, tightSelfClosing: false } : {}),
      characterReferences: { useNamedReferences: false },
    })
    .freeze());
  return processor.stringify(tree);
}
const stringifiers: { html?: Processor<undefined, undefined, undefined, HastRoot, string>; xhtml?: Processor<undefined, undefined, undefined, HastRoot, string> } = {};

/** The parts of `Part` a heading shows, for writers that lay out 目录 lines. */
export function partHeading(part: Part): string {
  return `${part.label} ${part.title}`;
}
export function chapterHeading(chapter: Chapter): string | null {
  return chapter.title ? `${chapter.label ?? ''} ${chapter.title}`.trim() : null;
}
