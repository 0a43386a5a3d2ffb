/**
 * Folio arithmetic of the chunked layout, pure: where each chunk starts, which need a blank
 * verso before them, how group runs cut back into chunks, and the book's page map and page
 * order assembled from the chunks' own layouts (each laid out alone from folio 1 on a recto).
 */
import type { PageLocation, PageMap } from '../../model/types.ts';
import { JuanError } from '../../report/errors.ts';
import type { ChunkLayout, LocalPage } from './protocol.ts';

/**
 * Where a chunk starts, given the next free folio: a chunk that must start on a recto (a 篇
 * title page, the body's first page) gets a blank verso first when that folio is even.
 */
export function chunkStart(nextFolio: number, rectoStart: boolean): { first: number; blank: boolean } {
  const blank = rectoStart && nextFolio % 2 === 0;
  return { first: blank ? nextFolio + 1 : nextFolio, blank };
}

/** Every chunk's first folio and blank verso from the page counts of all chunks (the body starts at 1). */
export function chunkStarts(pageCounts: number[], rectoStart: boolean[]): Array<{ first: number; blank: boolean }> {
  let next = 1;
  return pageCounts.map((count, i) => {
    const start = chunkStart(next, rectoStart[i]!);
    next = start.first + count;
    return start;
  });
}

/** A group's layout cut into its members' own layouts (pages and folios from 1, as if laid out alone). */
export function splitGroup(group: ChunkLayout, count: number): ChunkLayout[] {
  const out: ChunkLayout[] = Array.from({ length: count }, () => ({ pages: [], targets: {} }));
  const memberOfPage = new Map<number, { member: number; local: number }>();
  for (const p of group.pages) {
    const m = p.member ?? 0;
    const mine = out[m]!;
    const local = mine.pages.length + 1;
    memberOfPage.set(p.page, { member: m, local });
    const { member: _member, ...rest } = p;
    mine.pages.push({ ...rest, page: local, folio: String(local) });
  }
  for (const [id, at] of Object.entries(group.targets)) {
    const where = memberOfPage.get(at.page);
    if (where) out[where.member]!.targets[id] = { page: where.local, folio: String(where.local) };
  }
  out.forEach((layout, m) => {
    if (!layout.pages.length) throw new JuanError('render', `排版结果缺少一组论文中的第 ${m + 1} 篇`, { source: 'print:layout' });
  });
  return out;
}

/** The book's page map from the front matter's and the body chunks' own layouts; `blanks[i]`: a blank verso before chunk i. */
export function assemblePageMap(front: ChunkLayout, body: ChunkLayout[], blanks: boolean[]): PageMap {
  const pages: Array<PageMap['pages'][number] & { start: LocalPage['start'] }> = [];
  const targets: Record<string, PageLocation> = {};
  for (const p of front.pages) pages.push({ ...p, section: 'front' });
  for (const [id, at] of Object.entries(front.targets)) targets[id] ??= { page: at.page, folio: at.folio };
  if (pages.length % 2 !== 0) {
    throw new JuanError('render', `前置部分（扉页、目录）排成 ${pages.length} 页，应为偶数页`, { source: 'print:layout' });
  }
  let folio = 1;
  body.forEach((local, i) => {
    if (blanks[i]) pages.push({ page: pages.length + 1, folio: String(folio++), printed: false, section: 'body', blank: true, start: null });
    const offset = pages.length;
    const first = folio;
    for (const p of local.pages) {
      pages.push({ page: offset + p.page, folio: String(first + p.page - 1), printed: p.printed, section: 'body', blank: p.blank, start: p.start });
    }
    for (const [id, at] of Object.entries(local.targets)) targets[id] ??= { page: offset + at.page, folio: String(first + at.page - 1) };
    folio += local.pages.length;
  });
  return { pageCount: pages.length, pages: pages.map(({ start: _start, ...rest }) => rest), targets, pageStarts: pageStarts(pages) };
}

/** Where each body page's text starts; a blank body page starts where the next page with text starts. */
export function pageStarts(pages: Array<PageMap['pages'][number] & { start: LocalPage['start'] }>): PageMap['pageStarts'] {
  const out: PageMap['pageStarts'] = [];
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i]!;
    if (p.section !== 'body') continue;
    let start = p.start;
    for (let j = i + 1; !start && j < pages.length; j++) start = pages[j]!.start;
    if (start) out.push({ page: p.page, folio: p.folio, blockId: start.blockId, offset: start.offset });
  }
  return out;
}

/**
 * What a body page carries outside its type area, stamped on its bare page at the merge: its
 * side (r = recto, odd folio), its folio as printed ('' = none: blank, part page) and its running
 * head (null = none: blank, part page, a paper's first page; a verso's text is the book's, from
 * the CSS, so '' here; a recto's is the title of the paper the page belongs to).
 */
export interface Furniture { side: 'r' | 'l'; folio: string; head: string | null }

/**
 * Every body page's furniture, blank versos included, from the chunks' own layouts — the same
 * rules paged-handlers.js applies to a page (head only on printed pages that are not a paper's
 * first) with the recto head of the chunk's paper the page is in (`heads`: running-head.ts rectoHeads).
 */
export function bodyFurniture(body: ChunkLayout[], blanks: boolean[], papers: string[][], heads: Map<string, string>): Furniture[] {
  const out: Furniture[] = [];
  let folio = 1;
  const side = (f: number): Furniture['side'] => (f % 2 === 1 ? 'r' : 'l');
  body.forEach((local, i) => {
    if (blanks[i]) {
      out.push({ side: side(folio), folio: '', head: null });
      folio++;
    }
    const starts = (papers[i] ?? []).flatMap((id) => (local.targets[id] ? [{ id, page: local.targets[id]!.page }] : [])).sort((a, b) => a.page - b.page);
    for (const p of local.pages) {
      const f = folio + p.page - 1;
      const current = starts.filter((s) => s.page <= p.page).pop();
      const head = p.printed && !p.blank && current?.page !== p.page ? (side(f) === 'r' ? (current ? heads.get(current.id) ?? '' : '') : '') : null;
      out.push({ side: side(f), folio: p.printed && !p.blank ? String(f) : '', head });
    }
    folio += local.pages.length;
  });
  return out;
}

/**
 * A stamp: one piece of furniture, printed as a page of its own (layout-tab.ts) and drawn over
 * every body page that carries it — a page's running head, one digit of its folio, the crop
 * marks. None depends on which page it lands on (a folio digit is always on the same side, in
 * the same place; a paper's recto head the same on each of its rectos), so after an edit that
 * moves pages only new ones are printed.
 *
 * A folio is set from digit stamps: `folio` one digit, `place` how many digits stand between it
 * and the edge the folio is aligned to (the outer edge: the right on a recto, the left on a
 * verso). Each is printed centred in a cell 1ch wide (the folio font's 0), `place` cells in
 * from that edge (layout-tab.ts): tabular figures, so where a digit stands does not depend on
 * its neighbours — Noto Serif SC's own figures are proportional (its 1 is narrower), which is
 * why the folios are set this way. The 1× bench volume (320 pages) needs ~40 digit stamps
 * instead of 320 folio stamps, and most of a stamp's print cost is per page (schedule.ts STAMP_PAGE_WEIGHT).
 */
export interface Stamp { side: 'r' | 'l'; folio: string; head: string | null; marks: boolean; place?: number }

/** The stamps of a page with this furniture; `marks`: crop marks (--print-ready). */
export function pageStamps(f: Furniture, marks: boolean): Stamp[] {
  const out: Stamp[] = [];
  if (f.head != null) out.push({ side: f.side, folio: '', head: f.head, marks: false });
  const digits = [...f.folio];
  digits.forEach((digit, i) => out.push({ side: f.side, folio: digit, head: null, marks: false, place: f.side === 'r' ? digits.length - 1 - i : i }));
  if (marks) out.push({ side: f.side, folio: '', head: null, marks: true });
  return out;
}

/**
 * Where a chunk's pages are: in which PDF, from which (0-based) page, and on which side each was
 * printed (r/l, one letter a page; body pages only — a body page is printed bare on the side it
 * was laid out on, and moved across at the merge when it lands on the other).
 */
export interface ChunkPages<P> { pdf: P; from: number; layout: ChunkLayout; blank: boolean; sides?: string }

/** Stamp pages drawn over a body page at the merge, the page's content moved `dx` pt across first. */
export interface Overlay<P> { stamps: Array<{ pdf: P; page: number }>; dx: number }

/**
 * The book's pages in order as runs of (PDF, 0-based pages): the front matter, then each
 * chunk, preceded by its blank verso when it has one — a copy of a blank page of its own
 * (what Paged.js prints for a blank page) or -1, an empty page of the chunk's size. With
 * `furniture` (each body page's stamp pages, in order) each body page gets its overlay: those,
 * and the shift of its content from the side it was printed on to its own — `shift` pt (inner
 * minus outer margin) to the right for a verso printed that lands on a recto, to the left for
 * the reverse.
 */
export function bookPageOrder<P>(
  front: ChunkPages<P>,
  body: Array<ChunkPages<P>>,
  furniture?: { stamps: Array<Array<{ pdf: P; page: number }>>; shift: number },
): Array<{ pdf: P; pages: number[]; over?: Array<Overlay<P> | null> }> {
  const out: Array<{ pdf: P; pages: number[]; over?: Array<Overlay<P> | null> }> = [{ pdf: front.pdf, pages: front.layout.pages.map((_, k) => front.from + k) }];
  if (furniture) out[0]!.over = out[0]!.pages.map(() => null);
  let j = 0; // body page, blank versos included: its folio is j + 1
  const overlay = (printed: string | undefined): Overlay<P> | null => {
    if (!furniture) return null;
    const lands = j % 2 === 0 ? 'r' : 'l';
    const dx = !printed || printed === lands ? 0 : lands === 'r' ? furniture.shift : -furniture.shift;
    return { stamps: furniture.stamps[j++] ?? [], dx };
  };
  for (const chunk of body) {
    const pages: number[] = [];
    const over: Array<Overlay<P> | null> = [];
    if (chunk.blank) {
      const blank = chunk.layout.pages.findIndex((pg) => pg.blank);
      pages.push(blank >= 0 ? chunk.from + blank : -1);
      over.push(overlay(blank >= 0 ? chunk.sides?.[blank] : undefined));
    }
    chunk.layout.pages.forEach((_, k) => {
      pages.push(chunk.from + k);
      over.push(overlay(chunk.sides?.[k]));
    });
    const last = out[out.length - 1]!;
    if (last.pdf === chunk.pdf) {
      last.pages.push(...pages);
      if (furniture) last.over!.push(...over);
    } else out.push(furniture ? { pdf: chunk.pdf, pages, over } : { pdf: chunk.pdf, pages });
  }
  return out;
}

/**
 * Where each group of a tab lands in the tab's PDF (groups in the order laid out; the front
 * matter is the group [-1]): `counts` are the groups' page counts as stamped, `pagesOf(m)` a
 * member's own page count. → each member's first page, and the front matter's pages.
 */
export function tabPageRanges(groups: Array<{ members: number[] }>, counts: number[], pagesOf: (member: number) => number): {
  from: Map<number, number>;
  front: { from: number; count: number } | null;
  total: number;
} {
  const from = new Map<number, number>();
  let front: { from: number; count: number } | null = null;
  let at = 0;
  groups.forEach((g, k) => {
    const count = counts[k]!;
    if (g.members[0] === -1) {
      front = { from: at, count };
      at += count;
      return;
    }
    let offset = 0;
    for (const m of g.members) {
      from.set(m, at + offset);
      offset += pagesOf(m);
    }
    if (offset !== count) throw new JuanError('render', `排版结果不一致：一组论文共 ${count} 页，分篇合计 ${offset} 页`, { source: 'print:layout' });
    at += count;
  });
  return { from, front, total: at };
}
