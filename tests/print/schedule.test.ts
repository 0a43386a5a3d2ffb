/** Scheduling of the chunked layout: groups, worker count, cached prefix. */
import { describe, expect, it } from 'vitest';
import { cachedPrefix, earlyTabs, nextGroup, shareStamps, uncachedFrom, workerCount, type QueueChunk } from '../../pipeline/render/print/schedule.ts';
import type { BuildCache } from '../../pipeline/cache/store.ts';

const c = (size: number, over: Partial<QueueChunk> = {}): QueueChunk => ({ size, cached: false, rectoStart: false, ...over });

describe('nextGroup', () => {
  it('a book of one paper is one group', () => {
    expect(nextGroup([c(100, { rectoStart: true })], 0, 2)).toEqual([0]);
  });

  it('takes half the uncached text left per tab, so groups shrink towards the end', () => {
    const chunks = Array.from({ length: 8 }, () => c(100));
    // 800 left, 2 tabs: up to 200 → two chunks; from 6: 200 left → 50 each: one chunk
    expect(nextGroup(chunks, 0, 2)).toEqual([0, 1]);
    expect(nextGroup(chunks, 6, 2)).toEqual([6]);
    expect(nextGroup(chunks, 0, 1)).toEqual([0, 1, 2, 3]);
  });

  it('never runs across a chunk that must start on a recto (a 篇 page)', () => {
    const chunks = [c(100), c(100), c(100, { rectoStart: true }), c(100), c(100), c(100)];
    expect(nextGroup(chunks, 0, 1)).toEqual([0, 1]);
    expect(nextGroup(chunks, 2, 1)).toEqual([2, 3]); // the 篇 chunk itself may lead a group
  });

  it('stops at a cached paper between uncached ones, and lays a cached one (PDF missing) out alone', () => {
    const chunks = [c(100), c(100), c(100, { cached: true }), c(100), c(100)];
    expect(uncachedFrom(chunks)).toEqual([400, 300, 200, 200, 100]);
    expect(nextGroup(chunks, 0, 1)).toEqual([0, 1]);
    expect(nextGroup(chunks, 2, 1)).toEqual([2]);
    expect(nextGroup(chunks, 3, 1)).toEqual([3]);
  });
});

describe('cachedPrefix / workerCount / earlyTabs', () => {
  it('counts the leading chunks with a cached layout', () => {
    expect(cachedPrefix([c(1, { cached: true }), c(1, { cached: true }), c(1), c(1, { cached: true })])).toBe(2);
    expect(cachedPrefix([c(1)])).toBe(0);
  });

  it('runs no more tabs than chunks to lay out, and one for the front matter alone', () => {
    expect(workerCount(2, 10, false)).toBe(2);
    expect(workerCount(2, 1, false)).toBe(1);
    expect(workerCount(2, 0, false)).toBe(0);
    expect(workerCount(2, 0, true)).toBe(1);
    expect(workerCount(0, 5, false)).toBe(1);
  });

  it('opens one early tab for a book this cache has laid out before, two otherwise', () => {
    expect(earlyTabs(undefined)).toBe(2);
    expect(earlyTabs({ holds: (ns: string) => ns === 'layout' } as unknown as BuildCache)).toBe(1);
    expect(earlyTabs({ holds: () => false } as unknown as BuildCache)).toBe(2);
  });
});

describe('shareStamps', () => {
  it('gives the tab with fewer pages more stamps, so that both finish printing together', () => {
    // the bench volume: the front matter's host prints 8 + 150 pages, the other 170; 370 stamps at 0.4 a page
    const shares = shareStamps(370, [158, 170], 0.4);
    expect(shares[0]! + shares[1]!).toBe(370);
    expect(shares).toEqual([200, 170]); // loads 158 + 80 = 238 and 170 + 68 = 238
  });

  it('gives a tab so far ahead none, and shares evenly between equal tabs', () => {
    expect(shareStamps(10, [100, 20], 0.5)).toEqual([0, 10]);
    expect(shareStamps(10, [50, 50], 0.5)).toEqual([5, 5]);
    expect(shareStamps(0, [50, 10])).toEqual([0, 0]);
  });

  it('gives none to a tab with no page to copy the stamps from, all to the first when no tab has one', () => {
    expect(shareStamps(7, [null, 30])).toEqual([0, 7]);
    expect(shareStamps(7, [null, null])).toEqual([7, 0]);
    expect(shareStamps(7, [12])).toEqual([7]);
  });
});

describe('layoutTabs', () => {
  it('lays out a small book in one tab and a large one in all', async () => {
    const { layoutTabs, ONE_TAB_BELOW, LAYOUT_TABS } = await import('../../pipeline/render/print/schedule.ts');
    expect(layoutTabs([ONE_TAB_BELOW / 2 - 1, ONE_TAB_BELOW / 2 - 1])).toBe(1);
    expect(layoutTabs([ONE_TAB_BELOW / 2, ONE_TAB_BELOW / 2])).toBe(LAYOUT_TABS);
    expect(layoutTabs([10], LAYOUT_TABS, 3)).toBe(3); // JUAN_LAYOUT_TABS=3
    expect(layoutTabs([10], LAYOUT_TABS, NaN)).toBe(1); // unset or not a number: not forced
  });
});
