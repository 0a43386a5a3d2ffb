/**
 * Research-paper content in the one HTML both outputs share (html.ts calls in here):
 * 三线表 tables with their 表N caption and 注/资料来源 line, figures with their 图N caption,
 * footnotes (per paper, ①②③), 参考文献 lists, KaTeX math and code.
 *
 * `prepareBody` regroups a paper's mdast body once (caption + table, image paragraph → figure,
 * references → list, footnote definitions → one notes node); the handlers turn those nodes into
 * hast. What we generate ourselves (KaTeX markup, data: image sources, note links) needs more than
 * the manuscript allow-list permits: `shield` takes those elements out of the tree while html.ts
 * sanitises the manuscript-derived rest, and puts them back (their manuscript text — captions,
 * note bodies — is sanitised on its own).
 */
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import type { Image, Link, Paragraph, PhrasingContent, Root as MdastRoot, RootContent, Table } from 'mdast';
import { defaultHandlers, type Handler, type State } from 'mdast-util-to-hast';
import { toString } from 'mdast-util-to-string';
import { fromHtml } from 'hast-util-from-html';
import type Katex from 'katex';
import { createRequire } from 'node:module';
import type { JuanImage } from '../../normalize/rules/image-source.ts';

export interface JuanTableNode { type: 'juanTable'; label: string | null; caption: PhrasingContent[]; table: Table }
export interface JuanTableNoteNode { type: 'juanTableNote'; children: PhrasingContent[] }
export interface JuanFigureNode { type: 'juanFigure'; image: Image & { data: { juanImage: JuanImage } }; caption: string }
export interface JuanReferencesNode { type: 'juanReferences'; entries: string[] }
export interface JuanNoteRefNode { type: 'juanNoteRef'; n: number; paperId: string; /** 2nd, 3rd… reference to the same note */ repeat: number }
export interface JuanNotesNode { type: 'juanNotes'; paperId: string; notes: Array<{ n: number; children: RootContent[] }> }

declare module 'mdast' {
  interface RootContentMap {
    juanTable: JuanTableNode;
    juanTableNote: JuanTableNoteNode;
    juanFigure: JuanFigureNode;
    juanReferences: JuanReferencesNode;
    juanNotes: JuanNotesNode;
  }
  interface PhrasingContentMap {
    juanNoteRef: JuanNoteRefNode;
  }
}

const CAPTION = /^(?:续)?表\s*[0-9０-９]+(?:[-.－][0-9]+)?(?=[\s　]|$)/;
const NOTE = /^(?:注|注释|说明|资料来源|数据来源)\s*[：:]/;
const REFERENCES = /^(?:参考文献|参考资料|主要参考文献)\s*$/;
const REF_ENTRY = /^\s*[[［]\d+[\]］]/;

/** ①…⑳ then ㉑…㉟ then (36)… — footnote markers. */
export function circled(n: number): string {
  if (n >= 1 && n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n >= 21 && n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n >= 36 && n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}

const isParagraph = (n: RootContent | undefined): n is Paragraph => n?.type === 'paragraph';

/** Regroup a paper body (see the file comment). Pure: the model's nodes are not changed. */
export function prepareBody(body: RootContent[], paperId: string): RootContent[] {
  // footnotes: definitions by identifier, numbered in the order of their first reference
  const defs = new Map<string, RootContent[]>();
  const rest = body.filter((n) => {
    if (n.type !== 'footnoteDefinition') return true;
    defs.set(n.identifier, n.children as RootContent[]);
    return false;
  });
  const numbers = new Map<string, number>();
  const seen = new Map<string, number>();
  const renumber = <T extends RootContent | PhrasingContent>(node: T): T => {
    if (node.type === 'footnoteReference') {
      if (!defs.has(node.identifier)) return { type: 'text', value: '' } as T; // a marker without a note prints nothing
      if (!numbers.has(node.identifier)) numbers.set(node.identifier, numbers.size + 1);
      const repeat = (seen.get(node.identifier) ?? 0) + 1;
      seen.set(node.identifier, repeat);
      return { type: 'juanNoteRef', n: numbers.get(node.identifier)!, paperId, repeat } as T;
    }
    if ('children' in node) return { ...node, children: (node.children as RootContent[]).map(renumber) } as T;
    return node;
  };
  const nodes = rest.map(renumber);

  const out: RootContent[] = [];
  let inReferences = false;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const next = nodes[i + 1];
    if (n.type === 'heading') inReferences = REFERENCES.test(toString(n).trim());
    // 表1 caption paragraph directly before a table
    if (isParagraph(n) && next?.type === 'table' && CAPTION.test(toString(n).trim())) {
      const label = CAPTION.exec(toString(n).trim())![0].replace(/\s+/g, '');
      out.push({ type: 'juanTable', label, caption: n.children, table: next });
      i++;
      if (isParagraph(nodes[i + 1]) && NOTE.test(toString(nodes[i + 1]!).trim())) out.push({ type: 'juanTableNote', children: (nodes[++i] as Paragraph).children });
      continue;
    }
    if (n.type === 'table') {
      out.push({ type: 'juanTable', label: null, caption: [], table: n });
      if (isParagraph(next) && NOTE.test(toString(next).trim())) out.push({ type: 'juanTableNote', children: (nodes[++i] as Paragraph).children });
      continue;
    }
    // a paragraph that is one image: a figure, captioned by its alt text
    if (isParagraph(n)) {
      const visible = n.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
      const only = visible.length === 1 ? visible[0] : undefined;
      if (only?.type === 'image' && only.data?.juanImage) {
        out.push({ type: 'juanFigure', image: only as JuanFigureNode['image'], caption: (only.alt ?? '').trim() });
        continue;
      }
    }
    // 参考文献: every `[n] …` line is an entry, never joined with the next
    if (inReferences && isParagraph(n) && REF_ENTRY.test(toString(n))) {
      const entries: string[] = [];
      for (const line of toString(n).split('\n')) {
        if (REF_ENTRY.test(line) || !entries.length) entries.push(line.trim());
        else entries[entries.length - 1] += line.trim();
      }
      const last = out[out.length - 1];
      if (last?.type === 'juanReferences') last.entries.push(...entries);
      else out.push({ type: 'juanReferences', entries });
      continue;
    }
    if (inReferences && n.type === 'list') {
      out.push({ type: 'juanReferences', entries: n.children.map((item) => toString(item).trim()) });
      continue;
    }
    out.push(n);
  }
  if (numbers.size) {
    const notes = [...numbers].map(([id, n]) => ({ n, children: defs.get(id)! }));
    out.push({ type: 'juanNotes', paperId, notes });
  }
  return out;
}

/** Elements we generate that must pass the manuscript sanitiser unchanged. */
const trusted = new WeakSet<Element>();
function trust(el: Element): Element {
  trusted.add(el);
  return el;
}

/**
 * Sanitise `children` with `sanitize`, except the trusted elements, which are swapped out for a
 * placeholder first and put back after.
 */
export function shield(children: ElementContent[], sanitize: (c: ElementContent[]) => ElementContent[]): ElementContent[] {
  const kept: Element[] = [];
  const swap = (nodes: ElementContent[]): ElementContent[] =>
    nodes.map((n) => {
      if (n.type !== 'element') return n;
      if (trusted.has(n)) {
        kept.push(n);
        return { type: 'element', tagName: 'span', properties: { className: [`juan-slot-${kept.length - 1}`] }, children: [] };
      }
      return { ...n, children: swap(n.children) };
    });
  const restore = (nodes: ElementContent[]): ElementContent[] =>
    nodes.map((n) => {
      if (n.type !== 'element') return n;
      const cls = n.properties?.className;
      const slot = Array.isArray(cls) && cls.length === 1 ? /^juan-slot-(\d+)$/.exec(String(cls[0])) : null;
      if (slot && n.tagName === 'span' && n.children.length === 0) return kept[Number(slot[1])]!;
      return { ...n, children: restore(n.children) };
    });
  return restore(sanitize(swap(children)));
}

function h(tag: string, properties: Record<string, unknown>, children: ElementContent[]): Element {
  return { type: 'element', tagName: tag, properties: properties as Element['properties'], children };
}
const text = (value: string): ElementContent => ({ type: 'text', value });

/** Display width of a string in ems of its own font (CJK 1, Latin and digits about 0.55). */
function ems(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u2E80-\uFFEF]/.test(ch) ? 1 : 0.55;
  return n;
}

/**
 * How wide a table wants to be, in 小五 (9 pt) ems: each column its widest cell, plus 1 em of
 * cell padding. The print type area is 38 五号 characters = 44 小五 ems; beyond that the font
 * steps down (content.css: 六号 7.5 pt, then 小六 6.5 pt), and cells wrap inside their column.
 */
export function tableWidthClass(table: Table): string | null {
  const widths: number[] = [];
  for (const row of table.children) row.children.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, ems(toString(cell)))));
  const total = widths.reduce((a, b) => a + b + 1, 0);
  if (total <= 44) return null;
  if (total * 7.5 <= 44 * 9) return 'juan-table-small';
  return 'juan-table-smaller';
}

/**
 * Where a line may end inside inline code: after `::` and `//`, and before a single `/`, `.`, `_`,
 * `(`, `?`, `#` or `=` that follows a letter or digit (Chicago's places to break a URL). A long
 * identifier or URL in backticks (`std::backtrace::Backtrace`) then starts on the line where it
 * is met instead of leaving that line spread letter by letter. The text is unchanged: the pieces
 * join with <wbr>, which has no glyph, so the PDF and the EPUB copy out the same characters.
 */
const CODE_BREAK = /(?<=::|\/\/)(?=[\p{L}\p{N}])|(?<=[\p{L}\p{N}])(?=\/(?!\/)|[._(?#=])/gu;
export function codeBreaks(value: string): string[] {
  return value.split(CODE_BREAK).filter(Boolean);
}
export const withCodeBreaks = (value: string): ElementContent[] => codeBreaks(value).flatMap((part, i) => (i === 0 ? [text(part)] : [h('wbr', {}, []), text(part)]));

const NUMERIC = /^[-+−]?[\d,，.]+%?$|^[-—–]$/;

/** KaTeX's accent glyphs → the combining marks a copied formula should carry. */
const COMBINING: Record<string, string> = { '^': '\u0302', 'ˆ': '\u0302', '~': '\u0303', '˜': '\u0303', 'ˉ': '\u0304', '¯': '\u0304', '˙': '\u0307', '¨': '\u0308', 'ˊ': '\u0301', 'ˋ': '\u0300' };

/**
 * KaTeX draws `\hat{y}` as a `y` with a separate `^` above it: a PDF reader copies "y^". A
 * one-letter base with one of these accents is set instead as the precomposed character (ŷ, x̄…,
 * NFC), in Noto Serif italic (content/assets.ts), so it copies out as written.
 */
/** Precomposed letters set in math so far (drawn from Noto Serif italic, whatever the body face has). */
export const mathLetters = new Set<number>();

function precomposeAccents(node: HastRoot | Element): void {
  node.children = node.children.map((child) => {
    if (child.type !== 'element') return child;
    const cls = (child.properties?.className as string[] | undefined) ?? [];
    if (cls.includes('accent') && cls.includes('mord')) {
      const chars = [...hastText(child).replace(/[\u200b\s]/g, '')];
      if (chars.length === 2 && /^[A-Za-z]$/.test(chars[0]!) && COMBINING[chars[1]!]) {
        const letter = (chars[0]! + COMBINING[chars[1]!]).normalize('NFC');
        if ([...letter].length === 1) mathLetters.add(letter.codePointAt(0)!);
        return h('span', { className: ['mord', 'juan-accented'] }, [text(letter)]);
      }
    }
    precomposeAccents(child);
    return child;
  }) as typeof node.children;
}

/**
 * KaTeX, loaded when the first formula is set: its ~0.5 MB of code was parsed and run at every
 * start of the CLI, also for the books without math (most). Loaded through Node's require from
 * the project's node_modules (the bundled CLI leaves it out of its bundle so).
 */
let katexModule: typeof Katex | null = null;
const katex = (): typeof Katex => (katexModule ??= createRequire(import.meta.url)('katex') as typeof Katex);

/**
 * Formulas typeset in this thread, by `display` and TeX, and those another thread typeset (the
 * print's, given to the EPUB thread with its request: typesetMath / adoptTypesetMath): each
 * formula of a build goes through KaTeX once. In the EPUB thread that saved loading KaTeX and
 * parsing its HTML again (~0.1 CPU-s on the content bench volume's cold build).
 */
const typeset = new Map<string, Element | null>();
const mathKey = (tex: string, display: boolean) => `${display ? 'D' : 'I'}${tex}`;

/** What this thread typeset so far (structured-cloneable: plain hast). */
export function typesetMath(): Array<[string, Element | null]> {
  return [...typeset];
}

/** Formulas another thread typeset, used as if typeset here. */
export function adoptTypesetMath(entries: Array<[string, Element | null]>): void {
  for (const [key, root] of entries) if (!typeset.has(key)) typeset.set(key, root);
}

export function mathHast(tex: string, display: boolean): Element {
  const root = typesetRoot(tex, display);
  // a copy: the writers prune it (keepMath) and the sanitiser swaps it out and back
  return trust(h(display ? 'div' : 'span', { className: [display ? 'juan-math-display' : 'juan-math'] }, root ? [structuredClone(root)] : [text(tex)]));
}

/** The text a formula is typeset into (its HTML's and its MathML's), typeset once with mathHast's. */
export function mathText(tex: string, display: boolean): string {
  const root = typesetRoot(tex, display);
  return root ? hastText(root) : tex;
}

function typesetRoot(tex: string, display: boolean): Element | null {
  const key = mathKey(tex, display);
  let root = typeset.get(key);
  if (root === undefined) {
    // `htmlAndMathml`: the print edition shows the HTML (html.ts drops the MathML, whose TeX
    // annotation would be text in the PDF); the EPUB keeps the MathML and drops the HTML.
    const html = katex().renderToString(tex, { displayMode: display, output: 'htmlAndMathml', throwOnError: false, strict: 'ignore', trust: false });
    const tree = fromHtml(html, { fragment: true });
    precomposeAccents(tree);
    root = tree.children.find((c): c is Element => c.type === 'element') ?? null;
    typeset.set(key, root);
  }
  return root;
}

/** Whether a link's text is its address already (autolinks, `[https://…](https://…)`): then the print shows no second copy. */
export function showsAddress(text: string, url: string): boolean {
  const bare = (s: string) => s.trim().replace(/^(?:https?:)?\/\//i, '').replace(/^www\./i, '').replace(/\/+$/, '').toLowerCase();
  return bare(text) === bare(url);
}

export const contentHandlers: Record<string, Handler> = {
  juanTable(state: State, node: JuanTableNode): Element {
    const table = state.one(node.table, undefined) as Element;
    const cls = ['juan-table', tableWidthClass(node.table)].filter(Boolean) as string[];
    // numbers right-aligned where the manuscript did not align the column itself
    for (const section of table.children) {
      if (section.type !== 'element') continue;
      for (const row of section.children) {
        if (row.type !== 'element') continue;
        // a header row without text (a table from an HTML page without <th>): content.css prints no band and no header rule for it
        if (section.tagName === 'thead' && !hastText(row).trim()) row.properties = { ...row.properties, className: ['juan-empty-head'] };
        for (const cell of row.children) {
          if (cell.type !== 'element') continue;
          // alignment as a class: `align` is not valid in EPUB's XHTML
          const { align, ...rest } = cell.properties;
          const numeric = cell.tagName === 'td' && !align && NUMERIC.test(hastText(cell).trim());
          cell.properties = { ...rest, ...(align ? { className: [`align-${align}`] } : numeric ? { className: ['num'] } : {}) };
        }
      }
    }
    const caption = node.caption.length ? [h('caption', {}, state.all({ type: 'paragraph', children: node.caption }))] : [];
    const el = h('table', { className: cls, dataTableLabel: node.label ?? undefined }, [...caption, ...table.children]);
    return el;
  },
  juanTableNote(state: State, node: JuanTableNoteNode): Element {
    return h('p', { className: ['table-note'] }, state.all({ type: 'paragraph', children: node.children }));
  },
  juanFigure(_state: State, node: JuanFigureNode): Element {
    const image = node.image.data.juanImage;
    const img = h('img', { src: image.src, alt: node.caption || '插图', ...(image.width && image.height ? { width: image.width, height: image.height } : {}) }, []);
    return trust(h('figure', { className: ['juan-figure'] }, [img, ...(node.caption ? [h('figcaption', {}, [text(node.caption)])] : [])]));
  },
  /** An image inside a text paragraph (not a figure): embedded the same way, at text height. */
  image(_state: State, node: Image): Element | undefined {
    const image = node.data?.juanImage;
    if (!image) return undefined; // the image-source rule removed or never saw it: nothing loads
    return trust(h('img', { src: image.src, alt: node.alt || '插图', className: ['juan-inline-image'] }, []));
  },
  juanReferences(_state: State, node: JuanReferencesNode): Element {
    return h('ol', { className: ['references'] }, node.entries.map((e) => h('li', {}, [text(e)])));
  },
  juanNoteRef(_state: State, node: JuanNoteRefNode): Element {
    const id = `${node.paperId}-fn${node.n}`;
    return trust(h('a', { 'epub:type': 'noteref', role: 'doc-noteref', href: `#${id}`, id: node.repeat > 1 ? `${id}-ref${node.repeat}` : `${id}-ref`, className: ['noteref'] }, [text(circled(node.n))]));
  },
  juanNotes(state: State, node: JuanNotesNode): Element {
    const asides = node.notes.map(({ n, children }) => {
      const id = `${node.paperId}-fn${n}`;
      const body = sanitizeNote(state.all({ type: 'root', children } as MdastRoot) as ElementContent[]);
      const first = body.find((c): c is Element => c.type === 'element' && c.tagName === 'p');
      const back = h('a', { href: `#${id}-ref`, className: ['note-back'], role: 'doc-backlink' }, [text(circled(n))]);
      if (first) first.children.unshift(back, text(' '));
      else body.unshift(back);
      return trust(h('aside', { 'epub:type': 'footnote', role: 'doc-footnote', id, className: ['footnote'] }, body));
    });
    return h('div', { className: ['footnotes'] }, asides);
  },
  /** Inline code with break opportunities (codeBreaks): never spread the line before a long identifier or URL. */
  inlineCode(_state: State, node: { value: string }): Element {
    return h('code', {}, withCodeBreaks(node.value.replace(/\r?\n|\r/g, ' ')));
  },
  /**
   * A link written as its own address breaks like code (a URL is one long word otherwise). A web
   * link whose text is not its address carries `show-address`: a printed page cannot be clicked,
   * so styles/print.css prints the address after the text; the EPUB keeps the link alone.
   */
  link(state: State, node: Link): Element {
    const el = defaultHandlers.link(state, node);
    const only = el.children.length === 1 ? el.children[0] : undefined;
    if (only?.type === 'text' && /^\s*(?:https?:\/\/|www\.)\S+\s*$/.test(only.value)) el.children = withCodeBreaks(only.value);
    if (/^https?:\/\//i.test(node.url) && !showsAddress(toString(node), node.url)) el.properties = { ...el.properties, className: ['show-address'] };
    return el;
  },
  code(_state: State, node: { value: string; lang?: string | null }): Element {
    // one block per source line: a line too long for the measure wraps under a hanging indent;
    // blank lines before the closing fence are left out (one went alone to the next page, an empty box)
    const lines = node.value.replace(/(?:\n[ \t]*)+$/, '').split('\n').map((line) => h('span', { className: ['code-line'] }, [text(line || '\u200b')]));
    return h('pre', {}, [h('code', node.lang ? { className: [`language-${node.lang}`] } : {}, lines)]);
  },
  math(_state: State, node: { value: string }): Element {
    return mathHast(node.value, true);
  },
  inlineMath(_state: State, node: { value: string }): Element {
    return mathHast(node.value, false);
  },
};

/** Set by html.ts: the manuscript sanitiser, for note bodies (trusted wrappers, untrusted text). */
let sanitizeNote: (c: ElementContent[]) => ElementContent[] = (c) => c;
export function setNoteSanitizer(f: (c: ElementContent[]) => ElementContent[]): void {
  sanitizeNote = f;
}

/** The text of a hast node (its text nodes, in order). */
export function hastText(node: ElementContent | HastRoot): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return (node.children as ElementContent[]).map(hastText).join('');
  return '';
}

/** Drop one of KaTeX's two renderings everywhere in `tree`: print keeps 'html', EPUB 'mathml'. */
export function keepMath(tree: HastRoot | Element, keep: 'html' | 'mathml'): void {
  const drop = keep === 'html' ? 'katex-mathml' : 'katex-html';
  const visit = (el: HastRoot | Element) => {
    el.children = (el.children as ElementContent[]).filter((c) => {
      if (c.type !== 'element') return true;
      const cls = c.properties?.className;
      return !(Array.isArray(cls) && cls.includes(drop));
    }) as typeof el.children;
    for (const c of el.children) if (c.type === 'element') visit(c);
  };
  visit(tree);
}

/** Does the HTML of a document use math / code (so its fonts and styles are needed)? */
export function usesMath(html: string): boolean {
  return html.includes('class="katex');
}
export function usesCode(html: string): boolean {
  return html.includes('<code');
}
