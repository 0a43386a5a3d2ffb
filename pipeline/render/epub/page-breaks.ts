/**
 * Print page numbers in the EPUB: where each page of the PDF begins, a page-break marker
 * `<span epub:type="pagebreak" role="doc-pagebreak" id="p12" aria-label="12"></span>`.
 *
 * The print build's page map gives, for every body page, the id of the block the page starts
 * in (`${paper.id}-b${n}`, or a paper/chapter/part id when the page starts with its heading)
 * and the offset of the page start in that block's text, counted in Unicode code points of the
 * text content (as pipeline/render/print/paged-handlers.js counts). Offset 0 puts the marker
 * right before the element; a larger offset splits the text node it falls in, so a paragraph
 * that runs over a page stays ONE `<p>` with the marker inside.
 */
import type { Element, ElementContent, Root as HastRoot, RootContent } from 'hast';
import type { PageMap } from '../../model/types.ts';
import { JuanError } from '../../report/errors.ts';

export interface PageBreak {
  /** Physical page of the PDF. */
  page: number;
  /** Printed folio: the marker's label and the page-list entry's text. */
  label: string;
  /** Id of the marker element in the XHTML, e.g. `p12`. */
  id: string;
  /** Element the page starts in. */
  targetId: string;
  offset: number;
}

/** Page breaks in book order, with unique ASCII ids (`p12`; `page-37` when the folio is not a plain token). */
export function planPageBreaks(pageMap: PageMap | null): PageBreak[] {
  if (!pageMap) return [];
  const used = new Set<string>();
  return [...pageMap.pageStarts]
    .sort((a, b) => a.page - b.page)
    .map((start) => {
      let id = /^[A-Za-z0-9]+$/.test(start.folio) ? `p${start.folio}` : `page-${start.page}`;
      if (used.has(id)) id = `${id}-${start.page}`;
      used.add(id);
      return { page: start.page, label: start.folio, id, targetId: start.blockId, offset: Math.max(0, start.offset) };
    });
}

/** The marker element (an open+close pair when serialised: span is not a void element). */
export function pageBreakElement(pb: PageBreak): Element {
  return {
    type: 'element',
    tagName: 'span',
    properties: { 'epub:type': 'pagebreak', role: 'doc-pagebreak', id: pb.id, ariaLabel: pb.label },
    children: [],
  };
}

/** The marker as an XHTML string (for pages generated from templates, e.g. part pages). */
export function pageBreakXhtml(pb: PageBreak): string {
  return `<span epub:type="pagebreak" role="doc-pagebreak" id="${pb.id}" aria-label="${escapeAttr(pb.label)}"></span>`;
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

type Parent = HastRoot | Element;

/**
 * Every element with an id and its parent, first in document order winning. Built once per tree:
 * looking each of the book's page starts up by a walk of the paper was O(pages × paper) per paper.
 * Inserting markers keeps the elements (only their children arrays are rebuilt), so the index stays true.
 */
function indexIds(tree: Parent): Map<string, { parent: Parent; element: Element }> {
  const index = new Map<string, { parent: Parent; element: Element }>();
  const walk = (node: Parent) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const id = child.properties?.id;
      if (typeof id === 'string' && !index.has(id)) index.set(id, { parent: node, element: child });
      walk(child);
    }
  };
  walk(tree);
  return index;
}

/**
 * Elements whose content model has no room for a `<span>` of their own (XHTML: only items,
 * rows or cells): a marker that falls on their whitespace goes into the next item or cell.
 */
const NO_PHRASING = new Set(['ul', 'ol', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'dl', 'colgroup']);

/** The element a marker at the very end of `element` may go into (the last item/cell of a list or table). */
function lastPhrasingContainer(element: Element): Element {
  if (!NO_PHRASING.has(element.tagName)) return element;
  const last = [...element.children].reverse().find((c): c is Element => c.type === 'element');
  return last ? lastPhrasingContainer(last) : element;
}

/** Formulas (KaTeX's wrapper, MathML): never split by a marker. */
const atomic = (el: Element) => el.tagName === 'math' || ((el.properties?.className as string[] | undefined) ?? []).some((c) => c === 'katex' || c === 'juan-math');
const textOf = (node: ElementContent): string => (node.type === 'text' ? node.value : node.type === 'element' ? node.children.map(textOf).join('') : '');

/**
 * Insert markers inside `element` at text offsets (> 0). Offsets past the end of the text go
 * at the end of the element. Markers must be sorted by offset. A marker never lands where the
 * content model forbids it (between list items or table rows): it waits for the next item or cell.
 */
function insertInside(element: Element, markers: Array<{ offset: number; node: Element }>): void {
  let pos = 0;
  let next = 0;
  let pending: Element[] = [];
  const walk = (parent: Element): void => {
    const out: ElementContent[] = [];
    const phrasing = !NO_PHRASING.has(parent.tagName);
    if (phrasing && pending.length) {
      out.push(...pending);
      pending = [];
    }
    for (const child of parent.children) {
      if (child.type === 'text') {
        let rest = [...child.value]; // code points, as the print page map counts
        let start = pos;
        while (next < markers.length && markers[next]!.offset < start + rest.length) {
          const cut = markers[next]!.offset - start;
          if (phrasing) {
            if (cut > 0) out.push({ type: 'text', value: rest.slice(0, cut).join('') });
            out.push(markers[next]!.node);
            rest = rest.slice(cut);
            start += cut;
          } else pending.push(markers[next]!.node);
          next++;
        }
        if (rest.length) out.push({ type: 'text', value: rest.join('') });
        pos = start + rest.length;
      } else if (child.type === 'element' && atomic(child) && phrasing) {
        // math is one unit: a marker that falls inside it goes before it (MathML has no room for a span)
        const length = [...textOf(child)].length;
        while (next < markers.length && markers[next]!.offset < pos + length) out.push(markers[next++]!.node);
        pos += length;
        out.push(child);
      } else {
        if (child.type === 'element') walk(child);
        out.push(child);
      }
    }
    parent.children = out;
  };
  walk(element);
  const tail = lastPhrasingContainer(element);
  tail.children.push(...pending);
  while (next < markers.length) tail.children.push(markers[next++]!.node);
}

/**
 * Insert the page breaks whose target is in `tree`. Returns the ids of the breaks inserted.
 * Targets not found are left for the caller (they may live in another file).
 */
export function insertPageBreaks(tree: HastRoot, breaks: PageBreak[]): Set<string> {
  const inserted = new Set<string>();
  const byTarget = new Map<string, PageBreak[]>();
  for (const pb of breaks) {
    const list = byTarget.get(pb.targetId) ?? [];
    list.push(pb);
    byTarget.set(pb.targetId, list);
  }
  const ids = indexIds(tree);
  for (const [targetId, list] of byTarget) {
    const found = ids.get(targetId);
    if (!found) continue;
    const sorted = [...list].sort((a, b) => a.offset - b.offset || a.page - b.page);
    const before = sorted.filter((pb) => pb.offset === 0);
    const inside = sorted.filter((pb) => pb.offset > 0);
    if (inside.length) insertInside(found.element, inside.map((pb) => ({ offset: pb.offset, node: pageBreakElement(pb) })));
    if (before.length) {
      const index = (found.parent.children as RootContent[]).indexOf(found.element);
      (found.parent.children as RootContent[]).splice(index, 0, ...before.map(pageBreakElement));
    }
    for (const pb of sorted) inserted.add(pb.id);
  }
  return inserted;
}

/** Every page break must land somewhere: a page map from another build is an error, not a silent gap. */
export function assertAllPlaced(breaks: PageBreak[], placed: Set<string>): void {
  const lost = breaks.filter((pb) => !placed.has(pb.id));
  if (lost.length) {
    const first = lost[0]!;
    throw new JuanError('render', `页码表中第 ${first.page} 页（页码 ${first.label}）的起始位置「${first.targetId}」在书中找不到（共 ${lost.length} 处）`, {
      source: 'epub:page-list',
      hint: '印刷版的页码表须与 EPUB 来自同一次构建；请重新运行 juan build',
    });
  }
}
