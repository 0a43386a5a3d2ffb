/**
 * The chunked layout, top to bottom: the front matter and every paper (chunk-plan.ts) are laid
 * out by Paged.js as separate flows in a few browser tabs at once (layout-tab.ts), and the
 * tabs' PDFs are assembled in book order (merge.ts).
 *
 *   cache   chunks whose layout is cached (cache-keys.ts) have known page counts; a chunk's
 *           first folio F(i) is known once the layouts before it are (folios.ts chunkStart:
 *           F(i) = F(i-1) + pages(i-1), +1 for a blank verso before a chunk that must start
 *           on a recto). A chunk whose bare pages are in a cached PDF is done, wherever it starts
 *   layout  tabs take groups from one queue in book order (schedule.ts nextGroup); a group is
 *           one Paged.js flow, cut back into each chunk's own layout (folios.ts splitGroup)
 *   pdf     each tab prints once, its body pages bare — no folio, no running head, on the side
 *           they were laid out on; the tab hosting the front matter fills its 目录 from the
 *           assembled page map first (unless a PDF for these 目录 numbers is cached); the tabs
 *           also print the furniture not cached: one page per stamp — a folio, a running head
 *           (or the crop marks), on its side (folios.ts bodyFurniture, pageStamps) — shared out
 *           so that they finish printing together (schedule.ts shareStamps)
 *   merge   (merge.ts) each body page is its bare page, moved across by the margin difference
 *           when it lands on the other side, under its furniture page
 *
 * An edit re-lays out its own paper. When it changed its number of pages, the papers after it
 * move to other first folios, but their bare pages are the same: they come from the cached PDFs
 * as they are, and only the furniture (one small page per body page) is printed again. Their
 * pages as laid out are cached too (`pages`, saved after each run): when a cached PDF is gone,
 * a tab adopts them without Paged.js and prints them (LayoutTab.adopt).
 *
 * JUAN_DEBUG_TIMING=1 prints each tab step (load, layout per group, stamp, pdf) on a timeline (report/debug-timing.ts).
 */
import type { ElementContent } from 'hast';
import type { Page } from 'puppeteer-core';
import type { PageMap } from '../../model/types.ts';
import { hashKey, type BuildCache } from '../../cache/store.ts';
import { JuanError } from '../../report/errors.ts';
import { BrowserSession, withStage } from './browser.ts';
import { frontKey, furnitureKey, pageStylesKey, pdfName, placeKey } from './cache-keys.ts';
import type { ChunkPlan } from './chunk-plan.ts';
import type { TabFonts } from './font-bundle.ts';
import { assemblePageMap, bodyFurniture, bookPageOrder, chunkStart, pageStamps, tabPageRanges, type Overlay, type Stamp } from './folios.ts';
import { LayoutTab, stampPagesSource } from './layout-tab.ts';
import type { ChunkLayout, TocLink } from './protocol.ts';
import { layoutTabs, nextGroup, shareStamps, uncachedFrom, workerCount, type QueueChunk } from './schedule.ts';
import { serveBook, type BookServer, type Served } from './server.ts';
import { debugTiming } from '../../report/debug-timing.ts';
import type { ShellTab } from './shell-tab.ts';
import type { KeptPdfs } from './kept-pdfs.ts';

export interface ChunkJob {
  plan: ChunkPlan;
  /** The chunk's <body> content. */
  body: string;
  /** Cache key of its layout (cache-keys.ts layoutKey). */
  key: string;
}

export interface ChunkedOptions {
  session?: BrowserSession | Promise<BrowserSession>;
  timeoutMs: number;
  cache?: BuildCache;
  /** Browser tabs laying out body chunks at once. */
  tabs?: number;
  /** The shell document (prelude.ts `printShell`) and the files it loads (scripts, fonts), by URL path; looked up when asked for, so fonts may be added later. */
  files: Map<string, Served>;
  /**
   * Tabs opened with this shell before the book was read (prelude.ts), taken before new ones
   * are opened, and the server they loaded it from (serving `files`). The prelude's owner
   * closes the tabs not taken and the server.
   */
  preopened?: Array<Promise<ShellTab>>;
  server?: Promise<BookServer>;
  /**
   * The fonts (their files in `files` by then; font-bundle.ts). Tabs load the shell meanwhile and
   * wait for them only before their first layout: the subsets are made while the tabs open.
   */
  fonts: Promise<TabFonts>;
  /** Labels for the 目录 slots from the finished page map. */
  tocLabels: (map: PageMap) => Record<string, string>;
  /** The recto running head of each paper, by id (running-head.ts rectoHeads). */
  heads: Map<string, string>;
  /** Inner minus outer margin, in pt: how far a page's content moves right when a verso becomes a recto. */
  shift: number;
  /** Cache key of what styles the stamp pages beside their text: engine and styles (cache-keys.ts furnitureKey). */
  furnitureBase: string;
  /** Crop marks on every body page (--print-ready). */
  marks: boolean;
  onStage?: (stage: string) => void;
  onPage?: (pagesSoFar: number) => void;
  onPaper?: (done: number, total: number) => void;
  /**
   * The final page map, once it is known and every tab has asked for its PDF: what runs on
   * Node's main thread then (the EPUB) no longer delays the last steps before printing.
   */
  onPageMap?: (map: PageMap) => void;
  inspect?: (page: Page) => Promise<void>;
  /** Each PDF a tab prints, as soon as it is printed. */
  onPdf?: (pdf: Uint8Array) => void;
  /** Each PDF read from the cache, as soon as it is read (the merge parses it while the tabs work). */
  onCachedPdf?: (pdf: Uint8Array) => void;
  /** Cached PDFs read by earlier builds of this process (juan preview): their bytes are not read again. */
  keptPdfs?: KeptPdfs;
  /**
   * Save each run's pages as laid out (`pages`, for adopt) — default true. The save serialises
   * every page in the tab and writes it to the cache: ~0.45 s of a first build with a cache
   * (1× volume), for a cached PDF that goes missing. juan preview does not save them: its first
   * view waits for that build, and its cached PDFs stay in the cache and in memory.
   */
  savePages?: boolean;
}

export interface ChunkedResult {
  pageMap: PageMap;
  /** PDFs in book order with the (0-based) pages to take from each; -1 = an empty page; `over`: each page's furniture (merge.ts). */
  pdfs: Array<{ pdf: Uint8Array; pages: number[]; over?: Array<Overlay<Uint8Array> | null> }>;
  /** Ids of the papers laid out in the browser in this build (the rest came from the cache). */
  laidOutPapers: string[];
  /** Chunks laid out in the browser in this build. */
  laidOut: number;
  /** PDFs printed in this build. */
  printed: number;
  /** The 目录's links (on the front matter's pages), to be made PDF links after the merge. */
  tocLinks: TocLink[];
}

/** Where a chunk's pages are in a cached PDF (`sides`: each body page's side as printed, r/l). */
interface Placement { pdf: string; from: number; count: number; sides?: string }

/** Stamp pages by key: which PDF, which page. */
type FurnitureDone = Map<string, { pdf: Uint8Array; page: number }>;

/** The body pages' furniture: each page's stamp keys, the stamps by key, those not cached (to print). */
interface FurnitureNeeded { perPage: string[][]; missing: Array<{ key: string; stamp: Stamp }>; found: FurnitureDone }

/** The front matter's pages: which PDF, from which page, and its 目录 links. */
interface FrontDone { layout: ChunkLayout; pdf: Uint8Array; from: number; links: TocLink[] }

export async function renderChunks(front: ChunkJob, body: ChunkJob[], options: ChunkedOptions): Promise<ChunkedResult> {
  const run = new ChunkedLayout(front, body, options);
  try {
    // 1. what the cache has: layouts, first folios, pages of the papers before the first change
    await run.lookUpCachedPrefix();
    const frontReady = await run.cachedFrontIfAllCached();
    // 2. the browser, only when something must be laid out or printed
    if (run.needsBrowser(frontReady)) await run.startBrowser();
    // 3. tabs lay out the queue, fill the 目录, print (the first one the furniture too)
    await run.runTabs(frontReady);
    // 4. the page map and the book's pages in order
    return await run.result();
  } finally {
    await run.close();
  }
}

/** One chunked layout: its state, and each step of renderChunks as a method. */
class ChunkedLayout {
  private readonly cache?: BuildCache;
  private readonly tabs: number;
  private readonly progress: BookProgress;
  /** Body chunks' layouts, resolved as they become known (cached or laid out). */
  private readonly layouts: Array<Deferred<ChunkLayout>>;
  private readonly cachedLayout: Array<ChunkLayout | null>;
  /** Layouts known so far, synchronously. */
  private readonly known: Array<ChunkLayout | null>;
  private readonly queue: QueueChunk[];
  private readonly remaining: number[];
  /** A blank verso before chunk i; set with its first folio. */
  private readonly blanks: boolean[];
  /** Chunk i's first folio, once the layouts before it are known. */
  private readonly firsts: Array<Promise<number>> = [];
  private readonly pdfCache: PdfFiles;
  /** Chunks whose pages come from a cached PDF. */
  private readonly placed: Array<{ place: Placement; pdf: Uint8Array } | null>;
  private hits: boolean[] = [];
  private readonly frontLayoutCached: ChunkLayout | null;
  private readonly frontLayout = deferred<ChunkLayout>();
  private readonly frontTask = deferred<FrontDone>();
  private readonly furnitureTask = deferred<FurnitureDone>();
  /** Side of each page of the chunks printed in this build, as printed. */
  private readonly printedSides = new Map<number, string>();
  private published: PageMap | null = null;
  private waitingToPrint = 0;
  private announced = false;
  private server: BookServer | null = null;
  private ownServer = false;
  private session?: BrowserSession;
  /** Next queue position a tab takes. */
  private next = 0;
  private readonly printedBy = new Map<number, { tab: number; from: number }>();
  private readonly tabPdfs: Array<Uint8Array | null> = [];
  private laidOut = 0;
  private printed = 0;
  private readonly laidOutPapers: string[] = [];
  /** Generated styles written to the cache in this build. */
  private readonly savedStyles = new Set<string>();
  /** Tabs run in this build (runTabs). */
  private workers = 0;
  /** Each tab's pages to print besides stamps (null: none), as it becomes ready; the stamps are shared once all are. */
  private readonly readyPages = new Map<number, number | null>();
  private readonly stampShares = deferred<number[]>();

  constructor(private readonly front: ChunkJob, private readonly body: ChunkJob[], private readonly options: ChunkedOptions) {
    this.cache = options.cache;
    this.tabs = Math.max(1, options.tabs ?? layoutTabs(body.map((j) => j.body.length), undefined, Number(process.env.JUAN_LAYOUT_TABS)));
    this.progress = new BookProgress(body, options);
    this.layouts = body.map(() => deferred<ChunkLayout>());
    this.cachedLayout = body.map((job) => this.cache?.getJson<ChunkLayout>('layout', job.key) ?? null);
    this.cachedLayout.forEach((l, i) => l && this.layouts[i]!.resolve(l));
    this.known = [...this.cachedLayout];
    this.queue = body.map((job, i) => ({ size: job.body.length, cached: !!this.cachedLayout[i], rectoStart: job.plan.rectoStart }));
    this.remaining = uncachedFrom(this.queue);
    this.blanks = body.map(() => false);
    body.forEach((job, i) => {
      const next = i === 0 ? Promise.resolve(1) : Promise.all([this.firsts[i - 1]!, this.layouts[i - 1]!.promise]).then(([f, l]) => f + l.pages.length);
      const first = next.then((n) => {
        const start = chunkStart(n, job.plan.rectoStart);
        this.blanks[i] = start.blank;
        return start.first;
      });
      first.catch(() => {});
      this.firsts.push(first);
    });
    this.pdfCache = new PdfFiles(this.cache, options.onCachedPdf, options.keptPdfs);
    this.placed = body.map(() => null);
    this.frontLayoutCached = this.cache?.getJson<ChunkLayout>('layout', front.key) ?? null;
    if (this.frontLayoutCached) this.frontLayout.resolve(this.frontLayoutCached);
    this.progress.cachedPages(this.cachedLayout);
  }

  private pagesOf = (i: number): number => this.known[i]!.pages.length;

  /** Chunk i's bare pages from a cached PDF, when its layout is cached and a PDF holds them. */
  private async lookUp(i: number): Promise<boolean> {
    if (!this.cache || !this.cachedLayout[i]) return false;
    const place = this.cache.getJson<Placement>('place', placeKey(this.body[i]!.key));
    const pdf = place && place.sides && this.pdfCache.get(place.pdf);
    if (!place || !pdf) return false;
    this.placed[i] = { place, pdf };
    this.progress.paperDone(i);
    return true;
  }

  /** Every chunk whose layout is cached is looked up now: its bare pages do not depend on where it starts. */
  async lookUpCachedPrefix(): Promise<void> {
    this.hits = await Promise.all(this.body.map((_, i) => this.lookUp(i)));
    this.progress.reportPages();
  }

  private frontKeyFor(map: PageMap): string {
    return frontKey(this.front.key, this.options.tocLabels(map));
  }

  /** The front matter printed for these 目录 numbers before (`place` and `links` entries). */
  private cachedFront(layout: ChunkLayout, key: string): FrontDone | null {
    const place = this.cache?.getJson<Placement>('place', key);
    const pdf = place && this.pdfCache.get(place.pdf);
    const links = pdf && this.cache?.getJson<TocLink[]>('links', key);
    return place && pdf && links ? { layout, pdf, from: place.from, links } : null;
  }

  /** The body pages' stamps, once every layout is known: which the cache has (printed by an earlier build), which not. */
  private furnitureNeeded: Promise<FurnitureNeeded> | null = null;
  private furniture(): Promise<FurnitureNeeded> {
    return (this.furnitureNeeded ??= this.lookUpFurniture());
  }

  private async lookUpFurniture(): Promise<FurnitureNeeded> {
    const layouts = await this.allLayouts();
    const pages = bodyFurniture(layouts, this.blanks, this.body.map((j) => j.plan.papers), this.options.heads);
    const stamps = new Map<string, Stamp>();
    const base = hashKey(this.options.furnitureBase, stampPagesSource());
    const perPage = pages.map((f) =>
      pageStamps(f, this.options.marks).map((stamp) => {
        const key = furnitureKey(base, [stamp]);
        stamps.set(key, stamp);
        return key;
      }),
    );
    const found: FurnitureDone = new Map();
    const missing: FurnitureNeeded['missing'] = [];
    for (const [key, stamp] of stamps) {
      const place = this.cache?.getJson<Placement>('place', key);
      const pdf = place && this.pdfCache.get(place.pdf);
      if (place && pdf) found.set(key, { pdf, page: place.from });
      else missing.push({ key, stamp });
    }
    return { perPage, missing, found };
  }

  /** Every page cached: the front matter's PDF for the final 目录 numbers may be too, and the furniture. */
  async cachedFrontIfAllCached(): Promise<FrontDone | null> {
    if (this.hits.some((h) => !h) || !this.frontLayoutCached) return null;
    const done = this.cachedFront(this.frontLayoutCached, this.frontKeyFor(this.publishMap(this.frontLayoutCached, await this.allLayouts())));
    const furniture = await this.furniture();
    if (!done || furniture.missing.length) return null;
    this.frontTask.resolve(done);
    this.furnitureTask.resolve(furniture.found);
    return done;
  }

  needsBrowser(frontReady: FrontDone | null): boolean {
    return this.hits.some((h) => !h) || !frontReady;
  }

  async startBrowser(): Promise<void> {
    const { options } = this;
    options.onStage?.('browser');
    this.server = (options.server && (await options.server.catch(() => null))) || null;
    if (!this.server) {
      this.server = await serveBook(options.files);
      this.ownServer = true;
    }
    const given = options.session;
    this.session = given ? await withStage('launch', options.timeoutMs, async () => given) : await BrowserSession.launch({ timeoutMs: options.timeoutMs });
  }

  async close(): Promise<void> {
    if (!this.options.session && this.session) await this.session.close();
    if (this.ownServer) await this.server?.close();
  }

  /** The page map, assembled once, the first time it is asked for (and announced when no tab is still to print). */
  private publishMap(frontLayout: ChunkLayout, bodyLayouts: ChunkLayout[]): PageMap {
    if (!this.published) {
      this.published = assemblePageMap(frontLayout, bodyLayouts, this.blanks);
      this.announce();
    }
    return this.published;
  }

  /** onPageMap, once the map is known and no tab still has to ask for its PDF. */
  private announce(): void {
    if (this.announced || !this.published || this.waitingToPrint > 0) return;
    this.announced = true;
    this.options.onPageMap?.(this.published);
  }

  private printRequested = (): void => {
    this.waitingToPrint--;
    this.announce();
  };

  private async allLayouts(): Promise<ChunkLayout[]> {
    const all = await Promise.all(this.layouts.map((d) => d.promise));
    await Promise.all(this.firsts);
    return all;
  }

  private openTab(): Promise<LayoutTab> {
    const { options } = this;
    return LayoutTab.open(
      {
        timeoutMs: options.timeoutMs,
        fonts: options.fonts,
        onProgress: (chunk, n) => this.progress.pagesOf(chunk, n),
        onPrintRequested: this.printRequested,
        inspect: options.inspect,
      },
      { preopened: options.preopened?.shift(), session: this.session!, origin: this.server!.origin },
    );
  }

  /** Tabs lay out the queue in book order; the first hosts the front matter unless its pages are cached. */
  async runTabs(frontReady: FrontDone | null): Promise<void> {
    const workers = workerCount(this.tabs, this.hits.filter((h) => !h).length, !frontReady);
    this.workers = workers;
    this.waitingToPrint = workers;
    await Promise.all(Array.from({ length: workers }, (_, w) => this.worker(w, w === 0 && !frontReady)));
    if (workers) this.furnitureTask.resolve((await this.furniture()).found); // every tab printed its share
  }

  private async worker(w: number, hostsFront: boolean): Promise<void> {
    const state: { tab: LayoutTab | null } = { tab: null };
    let printing = false;
    try {
      if (hostsFront && !this.frontLayoutCached) await this.layOutFront(state);
      await this.layOutQueue(state);
      const frontKeyNow = hostsFront ? await this.frontToPrint(state) : null;
      const stamps = await this.stampsToPrint(w, state);
      if (!state.tab) return;
      printing = true; // the tab says when its request is sent (onPrintRequested)
      await this.printTab(w, state.tab, frontKeyNow, stamps);
    } catch (error) {
      // Unblock everyone waiting for a layout this worker will never publish.
      for (const d of this.layouts) d.reject(error);
      this.frontLayout.reject(error);
      this.frontTask.reject(error);
      this.furnitureTask.reject(error);
      this.stampShares.reject(error);
      throw error;
    } finally {
      if (!printing) this.printRequested(); // this worker prints nothing: nobody waits for it
      await state.tab?.close();
    }
  }

  private async layOutFront(state: { tab: LayoutTab | null }): Promise<void> {
    state.tab ??= await this.openTab();
    const layout = (await state.tab.run([-1], [this.front.body], 'front'))[0]!;
    if (this.cache && this.options.savePages !== false) await this.savePages(state.tab, [], 1); // only the tab's styles: the front matter is laid out whenever its 目录 numbers change
    if (!this.frontLayoutCached) {
      this.cache?.putJson('layout', this.front.key, layout);
      this.frontLayout.resolve(layout);
    }
    this.laidOut++;
    this.progress.frontPages(layout.pages.length);
  }

  /** Take groups from the queue until it is empty. */
  private async layOutQueue(state: { tab: LayoutTab | null }): Promise<void> {
    while (this.next < this.body.length) {
      const i = this.next++;
      if (this.hits[i] || (this.cachedLayout[i] && (await this.lookUp(i)))) continue;
      if (this.cachedLayout[i] && (await this.adopt(state, i))) continue;
      const members = nextGroup(this.queue, i, this.tabs, this.remaining);
      this.next = Math.max(this.next, members[members.length - 1]! + 1);
      const done = await this.layOutGroup((state.tab ??= await this.openTab()), members);
      state.tab = done.tab;
      if (this.cache && this.options.savePages !== false && !done.retried) await this.savePages(done.tab, members, members.length);
      members.forEach((m, k) => {
        if (!this.cachedLayout[m]) {
          this.known[m] = done.fresh[k]!;
          this.cache?.putJson('layout', this.body[m]!.key, done.fresh[k]);
          this.layouts[m]!.resolve(done.fresh[k]!);
        }
        this.progress.pagesOf(m, done.fresh[k]!.pages.length);
        this.progress.paperDone(m);
      });
      this.laidOut += members.length;
      for (const m of members) this.laidOutPapers.push(...this.body[m]!.plan.papers);
      this.progress.reportPages();
    }
  }

  /**
   * A chunk whose layout is cached but whose pages no cached PDF holds at its new first folio
   * (an edit before it changed the page count): its pages saved by the build that laid it out
   * go into the tab as they are, to be renumbered and printed — no layout.
   */
  private async adopt(state: { tab: LayoutTab | null }, i: number): Promise<boolean> {
    const saved = this.cache!.getJson<{ styles: string; html: string }>('pages', this.body[i]!.key);
    if (!saved) return false;
    const styles = { key: saved.styles, get: () => this.cache!.getJson<string[]>('pagestyles', saved.styles) };
    if (!(await (state.tab ??= await this.openTab()).adopt(i, saved.html, styles, this.pagesOf(i)))) return false;
    this.progress.paperDone(i);
    return true;
  }

  /** Save the pages of the tab's last run (the chunks `members`) next to their layouts, and the styles they need, for `adopt`. */
  private async savePages(tab: LayoutTab, members: number[], count: number): Promise<void> {
    const saved = await tab.save(count, pageStylesKey);
    if (saved.styles && !this.savedStyles.has(saved.stylesKey)) {
      this.savedStyles.add(saved.stylesKey);
      this.cache!.putJson('pagestyles', saved.stylesKey, saved.styles);
    }
    members.forEach((m, k) => this.cache!.putJson('pages', this.body[m]!.key, { styles: saved.stylesKey, html: saved.html[k]! }));
  }

  /** Lay out chunks as one flow; after a timeout or crash each gets one more try alone, in a fresh tab, then the error names the paper. */
  private async layOutGroup(tab: LayoutTab, members: number[]): Promise<{ tab: LayoutTab; fresh: ChunkLayout[]; retried?: true }> {
    try {
      return { tab, fresh: await tab.run(members, members.map((m) => this.body[m]!.body), 'body') };
    } catch (first) {
      await tab.close();
      const retry = await this.openTab();
      const fresh: ChunkLayout[] = [];
      for (const m of members) {
        try {
          fresh.push(...(await retry.run([m], [this.body[m]!.body], 'body')));
        } catch (error) {
          const e = error instanceof JuanError ? error : new JuanError('render', String(error));
          throw new JuanError('render', `排版论文「${chunkTitle(this.body[m]!.plan)}」时失败（已重试一次）：${e.message}`, {
            source: e.source ?? 'print:layout', hint: e.hint, cause: first,
          });
        }
      }
      return { tab: retry, fresh, retried: true }; // one run per member: their pages are not saved
    }
  }

  /**
   * The host tab's front matter for the final 目录 numbers: its PDF may be cached (→ null);
   * else it is printed in this tab (laid out here if it is not yet) under the returned key.
   */
  private async frontToPrint(state: { tab: LayoutTab | null }): Promise<string | null> {
    const layout = await this.frontLayout.promise;
    const key = this.frontKeyFor(this.publishMap(layout, await this.allLayouts()));
    if (!state.tab?.hostsFront) {
      const hit = this.cachedFront(layout, key);
      if (hit) {
        this.frontTask.resolve(hit);
        return null;
      }
      await this.layOutFront(state); // its layout was cached (or a retry replaced the tab): lay it out here to print it
    }
    return key;
  }

  /**
   * This tab's share of the stamps the cache does not have (→ [] when there are none): once
   * every tab has laid out all it will, each prints a share sized to finish printing with the
   * others (schedule.ts shareStamps: the front matter's host has more pages, the other more
   * stamps). A tab needs a page laid out in it to copy them from: a tab with none gets none,
   * unless no tab has one — then the first lays out the front matter to copy from.
   */
  private async stampsToPrint(w: number, state: { tab: LayoutTab | null }): Promise<FurnitureNeeded['missing']> {
    const { missing } = await this.furniture();
    if (!missing.length) return [];
    this.readyPages.set(w, state.tab?.groups.length ? await this.tabPages(state.tab) : null);
    if (this.readyPages.size === this.workers) {
      const pages = Array.from({ length: this.workers }, (_, k) => this.readyPages.get(k) ?? null);
      const shares = shareStamps(missing.length, pages);
      debugTiming('tab', `stamps ${shares.join(' + ')} of ${missing.length} (pages ${pages.join(' + ')})`, performance.now());
      this.stampShares.resolve(shares);
    }
    const shares = await this.stampShares.promise;
    const from = shares.slice(0, w).reduce((a, b) => a + b, 0);
    if (shares[w] && !state.tab?.groups.length) await this.layOutFront(state);
    return missing.slice(from, from + shares[w]!);
  }

  /** The pages a tab prints besides stamps: its groups' (the front matter's and body chunks'). */
  private async tabPages(tab: LayoutTab): Promise<number> {
    let n = 0;
    for (const g of tab.groups) n += g.members[0] === -1 ? (await this.frontLayout.promise).pages.length : g.members.reduce((a, m) => a + this.pagesOf(m), 0);
    return n;
  }

  /** Every group of the tab ready, the 目录 when it holds it, its share of the stamps, one print; then remember where every chunk's pages are. */
  private async printTab(w: number, tab: LayoutTab, frontKeyNow: string | null, stamps: FurnitureNeeded['missing']): Promise<void> {
    const { counts, sides } = await tab.stamp();
    let links: TocLink[] = [];
    if (frontKeyNow) {
      this.options.onStage?.('toc');
      links = await tab.fillToc(this.options.tocLabels(this.published!));
    }
    const ranges = tabPageRanges(tab.groups, counts, this.pagesOf);
    const members = tab.groups.flatMap((g) => (g.members[0] === -1 ? [] : g.members));
    tab.groups.forEach((g, k) => {
      let at = 0;
      for (const m of g.members[0] === -1 ? [] : g.members) {
        this.printedSides.set(m, sides[k]!.slice(at, at + this.pagesOf(m)));
        at += this.pagesOf(m);
      }
    });
    for (const m of members) this.printedBy.set(m, { tab: w, from: ranges.from.get(m)! });
    const pdf = await tab.print(stamps.length ? stamps.map((s) => s.stamp) : null);
    this.options.onPdf?.(pdf);
    this.printed++;
    this.tabPdfs[w] = pdf;
    const name = pdfName(members.map((i) => this.body[i]!.key), frontKeyNow, ranges.total + stamps.length, stamps.length ? furnitureKey('', stamps.map((s) => s.key)) : null);
    this.cache?.put('pdf', name, 'pdf', pdf);
    members.forEach((i) => {
      this.cache?.putJson('place', placeKey(this.body[i]!.key), { pdf: name, from: ranges.from.get(i)!, count: this.pagesOf(i), sides: this.printedSides.get(i)! } satisfies Placement);
    });
    if (stamps.length) {
      const { found } = await this.furniture();
      stamps.forEach((s, k) => {
        this.cache?.putJson('place', s.key, { pdf: name, from: ranges.total + k, count: 1 } satisfies Placement);
        found.set(s.key, { pdf, page: ranges.total + k });
      });
    }
    if (frontKeyNow && ranges.front) {
      this.cache?.putJson('place', frontKeyNow, { pdf: name, from: ranges.front.from, count: ranges.front.count } satisfies Placement);
      this.cache?.putJson('links', frontKeyNow, links);
      this.frontTask.resolve({ layout: await this.frontLayout.promise, pdf, from: ranges.front.from, links });
    }
  }

  /** The page map and the book's pages in order, once every tab printed. */
  async result(): Promise<ChunkedResult> {
    const frontDone = await this.frontTask.promise;
    this.progress.frontPages(frontDone.layout.pages.length);
    const bodyLayouts = await this.allLayouts();
    const pageMap = this.publishMap(frontDone.layout, bodyLayouts);
    const stamps = await this.furnitureTask.promise;
    const { perPage } = await this.furniture();
    const pdfs = bookPageOrder(
      { pdf: frontDone.pdf, from: frontDone.from, layout: frontDone.layout, blank: false },
      bodyLayouts.map((layout, i) => {
        const cached = this.placed[i];
        const at = this.printedBy.get(i);
        const blank = this.blanks[i]!;
        return cached
          ? { pdf: cached.pdf, from: cached.place.from, layout, blank, sides: cached.place.sides }
          : { pdf: this.tabPdfs[at!.tab]!, from: at!.from, layout, blank, sides: this.printedSides.get(i) };
      }),
      { stamps: perPage.map((keys) => keys.map((k) => stamps.get(k)!)), shift: this.options.shift },
    );
    return { pageMap, pdfs, laidOut: this.laidOut, printed: this.printed, laidOutPapers: this.laidOutPapers, tocLinks: frontDone.links };
  }
}

/** Progress: pages laid out or taken from the cache so far, papers done. */
class BookProgress {
  private readonly pages: number[];
  private front = 0;
  private papers = 0;
  private readonly total: number;
  constructor(private readonly body: ChunkJob[], private readonly options: Pick<ChunkedOptions, 'onPage' | 'onPaper'>) {
    this.pages = body.map(() => 0);
    this.total = body.reduce((n, j) => n + j.plan.papers.length, 0);
  }
  cachedPages(layouts: Array<ChunkLayout | null>): void {
    layouts.forEach((l, i) => (this.pages[i] = l?.pages.length ?? 0));
  }
  /** Pages of body chunk `i` so far (a run reports its first chunk's count as it goes). */
  pagesOf(i: number, n: number): void {
    this.pages[i] = n;
    this.reportPages();
  }
  frontPages(n: number): void {
    this.front = n;
    this.reportPages();
  }
  paperDone(i: number): void {
    this.papers += this.body[i]!.plan.papers.length;
    this.options.onPaper?.(this.papers, this.total);
  }
  reportPages(): void {
    this.options.onPage?.(this.pages.reduce((a, b) => a + b, 0) + this.front);
  }
}

/** PDFs of the cache, each read once. */
class PdfFiles {
  private readonly files = new Map<string, Uint8Array | null>();
  constructor(private readonly cache?: BuildCache, private readonly onRead?: (pdf: Uint8Array) => void, private readonly kept?: KeptPdfs) {}
  get(name: string): Uint8Array | null {
    if (!this.files.has(name)) {
      let pdf = this.kept?.read(name) ?? null;
      if (!pdf) {
        const data = this.cache?.get('pdf', name, 'pdf');
        pdf = data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
        if (pdf) this.kept?.keep(name, pdf);
      }
      this.files.set(name, pdf);
      if (pdf) this.onRead?.(pdf);
    }
    return this.files.get(name)!;
  }
}

interface Deferred<T> { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void }
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** The title of the (first) paper of a chunk, for error messages. */
function chunkTitle(plan: ChunkPlan): string {
  const find = (nodes: ElementContent[]): string | null => {
    for (const node of nodes) {
      if (node.type !== 'element') continue;
      const classes = node.properties?.className;
      if (Array.isArray(classes) && classes.includes('paper-title')) return toText(node);
      const inner = find(node.children);
      if (inner) return inner;
    }
    return null;
  };
  return find(plan.content) ?? plan.papers.join('、');
}

function toText(node: ElementContent): string {
  if (node.type === 'text') return node.value;
  return node.type === 'element' ? node.children.map(toText).join('') : '';
}
