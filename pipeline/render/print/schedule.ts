/**
 * Scheduling of the chunked layout, pure: how many tabs, which chunks are laid out together
 * (one Paged.js flow), in what order. Tabs take groups from one queue in book order.
 */
import type { BuildCache } from '../../cache/store.ts';

/** Browser tabs laying out papers at once by default: one per core of the build machine. */
export const LAYOUT_TABS = 2;

/**
 * Below this much body HTML (the chunks' <body> text, ~60 pages of a 正16开 book) one tab lays
 * out the whole book: a second tab's start-up (its first Paged.js flow runs cold, one more print)
 * costs more than sharing saves. Measured cold, alternately, on an idle 2-core machine:
 * kaiyuanshe-2023-data (46 pages, 167 kB) 6.3–6.4 s with two tabs, 5.4–5.6 s with one; a
 * generated volume of 109 pages (285 kB) even (6.3–6.6 vs 6.3–6.8 s); 139 pages: two tabs
 * 0.4–1.2 s faster. `JUAN_LAYOUT_TABS=N` (read by layout.ts) forces N tabs, for tests of the several-tab path.
 */
export const ONE_TAB_BELOW = 200_000;

/** Tabs to lay out a book whose body chunks have these HTML sizes; `forced` (JUAN_LAYOUT_TABS, read by layout.ts) wins when it is a count. */
export function layoutTabs(chunkSizes: number[], tabs = LAYOUT_TABS, forced?: number): number {
  if (forced !== undefined && Number.isInteger(forced) && forced > 0) return forced;
  return chunkSizes.reduce((a, b) => a + b, 0) < ONE_TAB_BELOW ? 1 : tabs;
}

/**
 * Layout tabs worth opening before the book is read: a book built with this cache before
 * probably has a paper or two to lay out — one tab then (a second opens if needed).
 */
export function earlyTabs(cache?: BuildCache): number {
  return cache?.holds('layout') ? 1 : LAYOUT_TABS;
}

/**
 * A group takes this share of the uncached text still in the queue, per tab (guided
 * self-scheduling): big groups first save Paged.js's per-flow setup (stylesheet parse,
 * handlers: ~70 ms a flow), ever smaller ones at the end keep the tabs finishing together.
 */
export const GROUP_SHARE = 0.5;

/** What the scheduler knows of each body chunk. */
export interface QueueChunk {
  /** Length of its HTML (a measure of its layout work). */
  size: number;
  /** Its layout is in the cache. */
  cached: boolean;
  /** It must start on a recto (a 篇 title page, the body's first chunk). */
  rectoStart: boolean;
}

/** Uncached text from each chunk to the end of the queue. */
export function uncachedFrom(chunks: QueueChunk[]): number[] {
  const out: number[] = [];
  for (let i = chunks.length - 1, n = 0; i >= 0; i--) out[i] = n += chunks[i]!.cached ? 0 : chunks[i]!.size;
  return out;
}

/**
 * The chunks laid out together starting at `i`: a cached chunk alone (only its PDF is
 * missing); an uncached one with the uncached ones after it, up to the group size, never
 * across a chunk that must start on a recto (only a group's first chunk may need one).
 */
export function nextGroup(chunks: QueueChunk[], i: number, tabs: number, remaining: number[] = uncachedFrom(chunks)): number[] {
  const members = [i];
  if (chunks[i]!.cached) return members;
  const groupChars = (remaining[i]! * GROUP_SHARE) / tabs;
  let size = chunks[i]!.size;
  for (let j = i + 1; j < chunks.length && !chunks[j]!.cached && !chunks[j]!.rectoStart && size + chunks[j]!.size <= groupChars; j++) {
    members.push(j);
    size += chunks[j]!.size;
  }
  return members;
}

/** How many leading chunks have a cached layout: their folios are known before any layout. */
export function cachedPrefix(chunks: QueueChunk[]): number {
  let n = 0;
  while (n < chunks.length && chunks[n]!.cached) n++;
  return n;
}

/**
 * Tabs to run: no more than chunks to lay out, and one (the front matter's host) whenever the
 * front matter must be printed, even with no paper to lay out.
 */
export function workerCount(tabs: number, toLayOut: number, frontNeedsPrinting: boolean): number {
  return Math.max(Math.min(Math.max(1, tabs), toLayOut), frontNeedsPrinting ? 1 : 0);
}

/**
 * What printing a stamp page (folios.ts Stamp: one folio or running head on an empty page)
 * costs Chromium, as a share of printing a body page: most of a page's print cost is per page,
 * not per element. Measured on the 1× bench volume (320 body pages, 355 stamps): 355 stamp
 * pages alone printed in 3.0 s, a tab's 160 body pages in 3.2–3.4 s (whole page boxes then).
 * With the lighter stamp pages since, still about 0.4: the two tabs' print requests took 2.95 and
 * 3.00 s of renderer CPU (Chrome trace) for 181 pages + 123 stamps and 137 pages + 232 stamps.
 */
export const STAMP_PAGE_WEIGHT = 0.4;

/**
 * How many of `stamps` missing stamp pages each tab prints, so that the tabs finish printing
 * together: `pages[k]`, the pages tab k prints besides (front matter and body), or null when it
 * prints nothing (it has no laid-out page to copy the stamps' page from) — it gets none, unless
 * no tab has pages: then the first gets them all (it lays out the front matter to copy from).
 * Each stamp goes to the tab whose load (pages + weight × stamps) is lowest, the first on a tie.
 */
export function shareStamps(stamps: number, pages: Array<number | null>, weight = STAMP_PAGE_WEIGHT): number[] {
  const out = pages.map(() => 0);
  if (!out.length) return out;
  if (pages.every((p) => p == null)) {
    out[0] = stamps;
    return out;
  }
  for (let s = 0; s < stamps; s++) {
    let best = -1;
    for (let k = 0; k < pages.length; k++) {
      if (pages[k] == null) continue;
      if (best < 0 || pages[k]! + weight * out[k]! < pages[best]! + weight * out[best]!) best = k;
    }
    out[best]++;
  }
  return out;
}
