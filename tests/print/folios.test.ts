/** Folio arithmetic of the chunked layout: chunk starts, blank versos, the assembled page map and page order. */
import { describe, expect, it } from 'vitest';
import { assemblePageMap, bodyFurniture, bookPageOrder, pageStamps, chunkStart, chunkStarts, tabPageRanges } from '../../pipeline/render/print/folios.ts';
import type { ChunkLayout, LocalPage } from '../../pipeline/render/print/protocol.ts';
import { JuanError } from '../../pipeline/report/errors.ts';

const page = (n: number, over: Partial<LocalPage> = {}): LocalPage => ({
  page: n, folio: String(n), printed: true, section: 'body', blank: false, start: { blockId: `x-b${n}`, offset: 0 }, ...over,
});
/** A chunk of `n` pages whose first page is its paper `id` (a part page when `part`). */
const chunk = (id: string, n: number, options: { blankLast?: boolean } = {}): ChunkLayout => ({
  pages: Array.from({ length: n }, (_, k) =>
    options.blankLast && k === n - 1 ? page(k + 1, { blank: true, printed: false, start: null }) : page(k + 1, { start: { blockId: k ? `${id}-b${k}` : id, offset: 0 } }),
  ),
  targets: { [id]: { page: 1, folio: '1' } },
});
const front: ChunkLayout = {
  pages: [page(1, { folio: 'i', section: 'front', printed: false, start: null }), page(2, { folio: 'ii', section: 'front', start: null })],
  targets: {},
};

describe('chunkStart / chunkStarts', () => {
  it('a chunk that must start on a recto gets a blank verso when the next folio is even', () => {
    expect(chunkStart(1, true)).toEqual({ first: 1, blank: false });
    expect(chunkStart(8, true)).toEqual({ first: 9, blank: true });
    expect(chunkStart(8, false)).toEqual({ first: 8, blank: false });
  });

  it('a book of one paper starts at 1 with no blank', () => {
    expect(chunkStarts([7], [true])).toEqual([{ first: 1, blank: false }]);
  });

  it('a part page after an odd-length paper needs a blank verso; after an even-length one it does not', () => {
    // paper 1: folios 1–3 → next 4 (verso): the 篇 starts at 5 after a blank 4
    expect(chunkStarts([3, 2, 4], [true, true, false])).toEqual([
      { first: 1, blank: false }, { first: 5, blank: true }, { first: 7, blank: false },
    ]);
    expect(chunkStarts([4, 2], [true, true])).toEqual([{ first: 1, blank: false }, { first: 5, blank: false }]);
  });

  it('a page-count change in the middle moves every later start, and can add or remove a blank verso', () => {
    const before = chunkStarts([3, 4, 5, 2], [true, false, true, false]);
    const after = chunkStarts([3, 5, 5, 2], [true, false, true, false]); // the second paper grew by a page
    expect(before.map((s) => s.first)).toEqual([1, 4, 9, 14]);
    expect(before[2]!.blank).toBe(true); // 4 + 4 = 8 is a verso
    expect(after.map((s) => s.first)).toEqual([1, 4, 9, 14]); // 4 + 5 = 9 is a recto: the blank is gone, later folios unchanged
    expect(after[2]!.blank).toBe(false);
    const longer = chunkStarts([3, 6, 5, 2], [true, false, true, false]);
    expect(longer.map((s) => s.first)).toEqual([1, 4, 11, 16]);
  });
});

describe('assemblePageMap', () => {
  it('numbers body pages from 1 after the front matter, inserts blank versos and places every target', () => {
    const map = assemblePageMap(front, [chunk('p1', 3), chunk('part2', 2), chunk('p3', 1)], [false, true, false]);
    expect(map.pageCount).toBe(2 + 3 + 1 + 2 + 1);
    expect(map.pages.map((p) => p.folio)).toEqual(['i', 'ii', '1', '2', '3', '4', '5', '6', '7']);
    expect(map.pages[5]).toMatchObject({ page: 6, folio: '4', blank: true, printed: false, section: 'body' });
    expect(map.targets).toEqual({ p1: { page: 3, folio: '1' }, part2: { page: 7, folio: '5' }, p3: { page: 9, folio: '7' } });
  });

  it('a blank page starts where the next page with text starts; front pages have no start', () => {
    const map = assemblePageMap(front, [chunk('p1', 3, { blankLast: true }), chunk('p2', 1)], [false, false]);
    const byPage = new Map(map.pageStarts.map((s) => [s.page, s.blockId]));
    expect(byPage.get(1)).toBeUndefined();
    expect(byPage.get(5)).toBe('p2'); // p1's blank last page
    expect(byPage.get(6)).toBe('p2');
  });

  it('refuses front matter of an odd number of pages (the body must start on a recto)', () => {
    expect(() => assemblePageMap({ pages: front.pages.slice(0, 1), targets: {} }, [chunk('p1', 1)], [false])).toThrow(JuanError);
  });
});

describe('bookPageOrder', () => {
  it('takes a cached paper between two printed ones from its own PDF, and copies a blank page for a blank verso', () => {
    const order = bookPageOrder({ pdf: 'tab0', from: 0, layout: front, blank: false }, [
      { pdf: 'tab0', from: 2, layout: chunk('p1', 3), blank: false },
      { pdf: 'cached', from: 10, layout: chunk('p2', 2, { blankLast: true }), blank: true },
      { pdf: 'tab0', from: 5, layout: chunk('p3', 2), blank: true },
    ]);
    expect(order).toEqual([
      { pdf: 'tab0', pages: [0, 1, 2, 3, 4] },
      { pdf: 'cached', pages: [11, 10, 11] }, // its own blank last page, copied before it
      { pdf: 'tab0', pages: [-1, 5, 6] }, // no blank page of its own: an empty page
    ]);
  });
});

describe('bodyFurniture', () => {
  it('gives each body page its side, folio and head: none on blanks, part pages and a paper\'s first page; a recto\'s is its paper\'s', () => {
    // p1: 3 pages; a part page chunk (part page, blank verso, paper p2 of 2 pages) after a blank verso
    const partChunk: ChunkLayout = {
      pages: [page(1, { printed: false, start: { blockId: 'part2', offset: 0 } }), page(2, { blank: true, printed: false, start: null }), page(3), page(4)],
      targets: { part2: { page: 1, folio: '1' }, p2: { page: 3, folio: '3' } },
    };
    const heads = new Map([['p1', '论文一'], ['p2', '论文二']]);
    expect(bodyFurniture([chunk('p1', 3), partChunk], [false, true], [['p1'], ['p2']], heads)).toEqual([
      { side: 'r', folio: '1', head: null }, // p1's first page
      { side: 'l', folio: '2', head: '' }, // verso: the book title, from the CSS
      { side: 'r', folio: '3', head: '论文一' },
      { side: 'l', folio: '', head: null }, // the blank verso before the part page
      { side: 'r', folio: '', head: null }, // the part page
      { side: 'l', folio: '', head: null }, // its blank back
      { side: 'r', folio: '7', head: null }, // p2's first page
      { side: 'l', folio: '8', head: '' },
    ]);
    // One page more before it: every later page changes side, folio and head.
    const moved = bodyFurniture([chunk('p1', 4), chunk('p2', 2)], [false, false], [['p1'], ['p2']], heads);
    expect(moved.slice(3)).toEqual([{ side: 'l', folio: '4', head: '' }, { side: 'r', folio: '5', head: null }, { side: 'l', folio: '6', head: '' }]);
  });
});

describe('pageStamps', () => {
  it('a page\'s head, folio and crop marks are stamps of their own, each the same wherever the page lands', () => {
    expect(pageStamps({ side: 'r', folio: '7', head: '论文一' }, true)).toEqual([
      { side: 'r', folio: '', head: '论文一', marks: false },
      { side: 'r', folio: '7', head: null, marks: false, place: 0 },
      { side: 'r', folio: '', head: null, marks: true },
    ]);
    expect(pageStamps({ side: 'l', folio: '', head: null }, false)).toEqual([]); // a blank verso
  });

  it('sets a folio from one stamp per digit, counted in from the outer edge: the right on a recto, the left on a verso', () => {
    const digits = (f: Parameters<typeof pageStamps>[0]) => pageStamps(f, false).map((s) => `${s.folio}@${s.place}`);
    expect(digits({ side: 'r', folio: '123', head: null })).toEqual(['1@2', '2@1', '3@0']);
    expect(digits({ side: 'l', folio: '120', head: null })).toEqual(['1@0', '2@1', '0@2']);
    // the same digit in the same place is one stamp wherever it is used: 111 and 121 share their outer 1
    expect(pageStamps({ side: 'r', folio: '111', head: null }, false).at(-1)).toEqual(pageStamps({ side: 'r', folio: '121', head: null }, false).at(-1));
  });
});

describe('bookPageOrder with furniture', () => {
  it('gives every body page its stamps and moves a page printed on the other side by the shift', () => {
    const st = (n: number) => [{ pdf: 'furn', page: n }];
    const order = bookPageOrder(
      { pdf: 'tab0', from: 0, layout: front, blank: false },
      [
        { pdf: 'tab0', from: 2, layout: chunk('p1', 3), blank: false, sides: 'rlr' },
        { pdf: 'cached', from: 10, layout: chunk('p2', 2), blank: false, sides: 'rl' }, // printed from a recto, lands on a verso
        { pdf: 'tab0', from: 5, layout: chunk('p3', 2), blank: true, sides: 'rl' }, // no blank page of its own
      ],
      { stamps: [20, 21, 22, 23, 24, 25, 26, 27].map(st), shift: 12.5 },
    );
    expect(order).toEqual([
      { pdf: 'tab0', pages: [0, 1, 2, 3, 4], over: [null, null, { stamps: st(20), dx: 0 }, { stamps: st(21), dx: 0 }, { stamps: st(22), dx: 0 }] },
      { pdf: 'cached', pages: [10, 11], over: [{ stamps: st(23), dx: -12.5 }, { stamps: st(24), dx: 12.5 }] },
      { pdf: 'tab0', pages: [-1, 5, 6], over: [{ stamps: st(25), dx: 0 }, { stamps: st(26), dx: 0 }, { stamps: st(27), dx: 0 }] },
    ]);
  });
});

describe('tabPageRanges', () => {
  it('places the front matter and each group member in the tab PDF, and checks group page counts', () => {
    const r = tabPageRanges([{ members: [-1] }, { members: [0, 1] }, { members: [3] }], [2, 5, 4], (m) => [2, 3, 9, 4][m]!);
    expect(r.front).toEqual({ from: 0, count: 2 });
    expect([...r.from]).toEqual([[0, 2], [1, 4], [3, 7]]);
    expect(r.total).toBe(11);
    expect(() => tabPageRanges([{ members: [0, 1] }], [4], (m) => [2, 3][m]!)).toThrow(JuanError);
  });
});
