/**
 * The chunked layout, top to bottom: the front matter and every paper (chunk-plan.ts) are laid
 * out by Paged.js as separate flows in a few browser tabs at once (layout-tab.ts), and the
 * tabs' PDFs are assembled in book order (merge.ts).
 *
 *   cache   chunks whose layout is cached (cache-keys.ts) have known page counts; a chunk's
 *           first folio F(i) is known once the layouts before it are (folios.ts chunkStart:
 *           F(i) = F(i-1) + pages(i-1), +1 for a blank verso before a chunk that must start
 *           on a recto). A chunk whose pages for that F are in a cached PDF is done
 *   layout  tabs take groups from one queue in book order (schedule.ts nextGroup); a group is
 *           one Paged.js flow, cut back into each chunk's own layout (folios.ts splitGroup)
 *   stamp   once every F is known, each tab renumbers its groups' pages and turns the groups
 *           that really start on a verso to the other side (margins, running heads)
 *   pdf     each tab prints once; the tab hosting the front matter fills its 目录 from the
 *           assembled page map first (unless a PDF for these 目录 numbers is cached)
 *
 * An edit re-lays out its own paper; the papers after it are re-laid out too only when the
 * edit changed its number of pages (their folios move), since their cached pages carry the old
 * folios.
 *
 * JUAN_DEBUG_TIMING=1 prints each tab step (load, layout per group, stamp, pdf) on a timeline (report/debug-timing.ts).
 */
import type { ElementContent } from 'hast';
import type { Page } from 'puppeteer-core';
import type { PageMap } from '../../model/types.ts';
import type { BuildCache } from '../../cache/store.ts';
import { JuanError } from '../../report/errors.ts';
import { BrowserSession, withStage } from './browser.ts';
import { frontKey, pdfName, placeKey } from './cache-keys.ts';
import type { ChunkPlan } from './chunk-plan.ts';
import { assemblePageMap, bookPageOrder, chunkStart, tabPageRanges } from './folios.ts';
import { LayoutTab } from './layout-tab.ts';
import type { ChunkLayout, TocLink } from './protocol.ts';
import { cachedPrefix, LAYOUT_TABS, nextGroup, uncachedFrom, workerCount, type QueueChunk } from './schedule.ts';
import { serveBook, type BookServer, type Served } from './server.ts';
import type { ShellTab } from './shell-tab.ts';

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
   * The @font-face rules (their files in `files` by then). Tabs load the shell meanwhile and
   * wait for them only before their first layout: the subsets are made while the tabs open.
   */
  fontCss: Promise<string>;
  /** Labels for the 目录 slots from the finished page map. */
  tocLabels: (map: PageMap) => Record<string, string>;
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
}

export interface ChunkedResult {
  pageMap: PageMap;
  /** PDFs in book order with the (0-based) pages to take from each; -1 = an empty page. */
  pdfs: Array<{ pdf: Uint8Array; pages: number[] }>;
  /** Ids of the papers laid out in the browser in this build (the rest came from the cache). */
  laidOutPapers: string[];
  /** Chunks laid out in the browser in this build. */
  laidOut: number;
  /** PDFs printed in this build. */
  printed: number;
  /** The 目录's links (on the front matter's pages), to be made PDF links after the merge. */
  tocLinks: TocLink[];
}

/** Where a chunk's pages are in a cached PDF. */
interface Placement { pdf: string; from: number; count: number }

/** The front matter's pages: which PDF, from which page, and its 目录 links. */
interface FrontDone { layout: ChunkLayout; pdf: Uint8Array; from: number; links: TocLink[] }

export async function renderChunks(front: ChunkJob, body: ChunkJob[], options: ChunkedOptions): Promise<ChunkedResult> {
  const { cache, timeoutMs } = options;
  const tabs = Math.max(1, options.tabs ?? LAYOUT_TABS);
  const book = new BookProgress(body, options);

  // ---- what the cache knows: layouts, hence page counts and first folios
  const layouts = body.map(() => deferred<ChunkLayout>());
  const cachedLayout = body.map((job) => cache?.getJson<ChunkLayout>('layout', job.key) ?? null);
  cachedLayout.forEach((l, i) => l && layouts[i]!.resolve(l));
  /** Layouts known so far (cached, or laid out in this build). */
  const known = [...cachedLayout];
  const pagesOf = (i: number) => known[i]!.pages.length;
  const queue: QueueChunk[] = body.map((job, i) => ({ size: job.body.length, cached: !!cachedLayout[i], rectoStart: job.plan.rectoStart }));
  const blanks: boolean[] = body.map(() => false);
  const firsts: Array<Promise<number>> = [];
  body.forEach((job, i) => {
    const next = i === 0 ? Promise.resolve(1) : Promise.all([firsts[i - 1]!, layouts[i - 1]!.promise]).then(([f, l]) => f + l.pages.length);
    firsts.push(next.then((n) => {
      const start = chunkStart(n, job.plan.rectoStart);
      blanks[i] = start.blank;
      return start.first;
    }));
    firsts[i]!.catch(() => {});
  });
  book.cachedPages(cachedLayout);

  // ---- cached pages: chunks whose F is known from cached layouts alone are looked up now;
  // the others are looked up by the queue below, in book order.
  const pdfCache = new PdfFiles(cache);
  const placed: Array<{ place: Placement; pdf: Uint8Array } | null> = body.map(() => null);
  const lookUp = async (i: number): Promise<boolean> => {
    if (!cache || !cachedLayout[i]) return false;
    const place = cache.getJson<Placement>('place', placeKey(body[i]!.key, await firsts[i]!));
    const pdf = place && pdfCache.get(place.pdf);
    if (!place || !pdf) return false;
    placed[i] = { place, pdf };
    book.paperDone(i);
    return true;
  };
  const prefix = cachedPrefix(queue);
  const hits = await Promise.all(body.map((_, i) => (i < prefix ? lookUp(i) : Promise.resolve(false))));
  book.reportPages();

  const frontLayoutCached = cache?.getJson<ChunkLayout>('layout', front.key) ?? null;
  const frontKeyFor = (map: PageMap) => frontKey(front.key, options.tocLabels(map));
  /** The front matter printed for these 目录 numbers before (`place` and `links` entries). */
  const cachedFront = (layout: ChunkLayout, key: string): FrontDone | null => {
    const place = cache?.getJson<Placement>('place', key);
    const pdf = place && pdfCache.get(place.pdf);
    const links = pdf && cache?.getJson<TocLink[]>('links', key);
    return place && pdf && links ? { layout, pdf, from: place.from, links } : null;
  };

  // ---- the page map, assembled once every layout is known; announced once no tab still has to ask for its PDF
  let published: PageMap | null = null;
  let waitingToPrint = 0;
  let announced = false;
  const announce = () => {
    if (announced || !published || waitingToPrint > 0) return;
    announced = true;
    options.onPageMap?.(published);
  };
  const allLayouts = async (): Promise<ChunkLayout[]> => {
    const all = await Promise.all(layouts.map((d) => d.promise));
    await Promise.all(firsts);
    return all;
  };
  const publishMap = (frontLayout: ChunkLayout, bodyLayouts: ChunkLayout[]): PageMap => {
    if (!published) {
      published = assemblePageMap(frontLayout, bodyLayouts, blanks);
      announce();
    }
    return published;
  };

  const needBody = hits.some((h) => !h);
  let frontReady: FrontDone | null = null;
  if (!needBody && frontLayoutCached) frontReady = cachedFront(frontLayoutCached, frontKeyFor(publishMap(frontLayoutCached, await allLayouts())));

  // ---- the browser, only when something must be laid out or printed
  let server: BookServer | null = null;
  let ownServer = false;
  let session: BrowserSession | undefined;
  const ownSession = !options.session;
  try {
    if (needBody || !frontReady) {
      options.onStage?.('browser');
      server = (options.server && (await options.server.catch(() => null))) || null;
      if (!server) {
        server = await serveBook(options.files);
        ownServer = true;
      }
      const given = options.session;
      session = given ? await withStage('launch', timeoutMs, async () => given) : await BrowserSession.launch({ timeoutMs });
    }
    const openTab = () =>
      LayoutTab.open(
        {
          timeoutMs,
          fontCss: options.fontCss,
          onProgress: (chunk, n) => book.pagesOf(chunk, n),
          onPrintRequested: () => {
            waitingToPrint--;
            announce();
          },
          inspect: options.inspect,
        },
        { preopened: options.preopened?.shift(), session: session!, origin: server!.origin },
      );

    // ---- the front matter lives in the first worker's tab: laid out first when its layout is
    // not cached; printed with that tab's pages once the page map is known and the 目录 filled
    const frontLayout = deferred<ChunkLayout>();
    if (frontLayoutCached) frontLayout.resolve(frontLayoutCached);
    const frontTask = deferred<FrontDone>();
    if (frontReady) frontTask.resolve(frontReady);

    const remaining = uncachedFrom(queue);
    const printedBy = new Map<number, { tab: number; from: number }>();
    const tabPdfs: Array<Uint8Array | null> = [];
    let next = 0;
    let laidOut = 0;
    let printed = 0;
    const laidOutPapers: string[] = [];

    /** Lay out chunks as one flow; after a timeout or crash each gets one more try alone, in a fresh tab, then the error names the paper. */
    const layOut = async (tab: LayoutTab, members: number[]): Promise<{ tab: LayoutTab; fresh: ChunkLayout[] }> => {
      const jobs = members.map((m) => body[m]!);
      try {
        return { tab, fresh: await tab.run(members, jobs.map((j) => j.body), 'body') };
      } catch (first) {
        await tab.close();
        const retry = await openTab();
        const fresh: ChunkLayout[] = [];
        for (const m of members) {
          try {
            fresh.push(...(await retry.run([m], [body[m]!.body], 'body')));
          } catch (error) {
            const e = error instanceof JuanError ? error : new JuanError('render', String(error));
            throw new JuanError('render', `排版论文「${chunkTitle(body[m]!.plan)}」时失败（已重试一次）：${e.message}`, {
              source: e.source ?? 'print:layout', hint: e.hint, cause: first,
            });
          }
        }
        return { tab: retry, fresh };
      }
    };

    const worker = async (w: number) => {
      let tab: LayoutTab | null = null;
      let printing = false;
      const hostsFront = w === 0 && !frontReady;
      const layOutFront = async () => {
        tab ??= await openTab();
        const layout = (await tab.run([-1], [front.body], 'front'))[0]!;
        if (!frontLayoutCached) {
          cache?.putJson('layout', front.key, layout);
          frontLayout.resolve(layout);
        }
        laidOut++;
        book.frontPages(layout.pages.length);
      };
      try {
        // 1. the front matter, when this tab hosts it and its layout is not cached
        if (hostsFront && !frontLayoutCached) await layOutFront();
        // 2. groups from the queue until it is empty
        while (next < body.length) {
          const i = next;
          next++;
          if (hits[i] || (cachedLayout[i] && (await lookUp(i)))) continue;
          const members = nextGroup(queue, i, tabs, remaining);
          next = Math.max(next, members[members.length - 1]! + 1);
          const done = await layOut((tab ??= await openTab()), members);
          tab = done.tab;
          members.forEach((m, k) => {
            if (!cachedLayout[m]) {
              known[m] = done.fresh[k]!;
              cache?.putJson('layout', body[m]!.key, done.fresh[k]);
              layouts[m]!.resolve(done.fresh[k]!);
            }
            book.pagesOf(m, done.fresh[k]!.pages.length);
            book.paperDone(m);
          });
          laidOut += members.length;
          for (const m of members) laidOutPapers.push(...body[m]!.plan.papers);
          book.reportPages();
        }
        // 3. the front matter's PDF for the final 目录 numbers may be cached; else it is printed here
        let frontKeyNow: string | null = null;
        if (hostsFront) {
          const layout = await frontLayout.promise;
          frontKeyNow = frontKeyFor(publishMap(layout, await allLayouts()));
          const hit = tab?.hostsFront ? null : cachedFront(layout, frontKeyNow);
          if (hit) {
            frontTask.resolve(hit);
            frontKeyNow = null;
          } else if (!tab?.hostsFront) {
            await layOutFront(); // its layout was cached (or a retry replaced the tab): lay it out here to print it
          }
        }
        if (!tab) return;
        // 4. real folios for every group, the 目录, then one print
        const firstFolios = await Promise.all(tab.groups.map((g) => (g.members[0] === -1 ? null : firsts[g.members[0]!]!)));
        const counts = await tab.stamp(firstFolios);
        let links: TocLink[] = [];
        if (frontKeyNow) {
          options.onStage?.('toc');
          links = await tab.fillToc(options.tocLabels(published!));
        }
        const ranges = tabPageRanges(tab.groups, counts, pagesOf);
        const members = tab.groups.flatMap((g) => (g.members[0] === -1 ? [] : g.members));
        for (const m of members) printedBy.set(m, { tab: w, from: ranges.from.get(m)! });
        printing = true; // the tab says when its request is sent (onPrintRequested)
        const pdf = await tab.print();
        options.onPdf?.(pdf);
        printed++;
        tabPdfs[w] = pdf;
        // 5. remember where every chunk's pages are
        const memberFirsts = await Promise.all(members.map((i) => firsts[i]!));
        const name = pdfName(members.map((i) => body[i]!.key), frontKeyNow, ranges.total, memberFirsts);
        cache?.put('pdf', name, 'pdf', pdf);
        members.forEach((i, k) => {
          cache?.putJson('place', placeKey(body[i]!.key, memberFirsts[k]!), { pdf: name, from: ranges.from.get(i)!, count: pagesOf(i) } satisfies Placement);
        });
        if (frontKeyNow && ranges.front) {
          cache?.putJson('place', frontKeyNow, { pdf: name, from: ranges.front.from, count: ranges.front.count } satisfies Placement);
          cache?.putJson('links', frontKeyNow, links);
          frontTask.resolve({ layout: await frontLayout.promise, pdf, from: ranges.front.from, links });
        }
      } catch (error) {
        // Unblock everyone waiting for a layout this worker will never publish.
        for (const d of layouts) d.reject(error);
        frontLayout.reject(error);
        frontTask.reject(error);
        throw error;
      } finally {
        if (!printing) {
          waitingToPrint--; // this worker prints nothing: nobody waits for it
          announce();
        }
        await tab?.close();
      }
    };
    const workers = workerCount(tabs, hits.filter((h) => !h).length, !frontReady);
    waitingToPrint = workers;
    await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
    const frontDone = await frontTask.promise;
    book.frontPages(frontDone.layout.pages.length);
    const bodyLayouts = await allLayouts();
    const pageMap = publishMap(frontDone.layout, bodyLayouts);

    // ---- the pages in book order
    const pdfs = bookPageOrder(
      { pdf: frontDone.pdf, from: frontDone.from, layout: frontDone.layout, blank: false },
      bodyLayouts.map((layout, i) => {
        const cached = placed[i];
        const at = printedBy.get(i);
        return cached ? { pdf: cached.pdf, from: cached.place.from, layout, blank: blanks[i]! } : { pdf: tabPdfs[at!.tab]!, from: at!.from, layout, blank: blanks[i]! };
      }),
    );
    return { pageMap, pdfs, laidOut, printed, laidOutPapers, tocLinks: frontDone.links };
  } finally {
    if (ownSession && session) await session.close();
    if (ownServer) await server?.close();
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
  constructor(private readonly cache?: BuildCache) {}
  get(name: string): Uint8Array | null {
    if (!this.files.has(name)) {
      const data = this.cache?.get('pdf', name, 'pdf');
      this.files.set(name, data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null);
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
