/**
 * Chunked layout: the front matter and every paper (chunks.ts) are laid out by Paged.js as
 * separate flows, in a few browser tabs at once, and the tabs' PDFs are assembled (merge.ts).
 *
 *   layout  a tab loads one shell document (styles, fonts, Paged.js) and lays chunks out into
 *           it one after another, each into a container of its own, starting on a recto with
 *           folio 1. Consecutive uncached chunks go as one group (one flow: Paged.js's per-flow
 *           setup is paid once) and the result is cut back into each chunk's own local page
 *           map — what it gets alone, as each starts on a new page. Layouts are cached per
 *           chunk (`layout` entries, keyed by its content, styles, fonts, settings and the engine)
 *   folios  chunk i starts at folio F(i) = F(i-1) + pages(i-1) (+1 for the blank verso before
 *           a chunk that must start on a recto — a 篇 — when that folio is even)
 *   stamp   once every F is known, each tab renumbers its groups' pages and turns the groups
 *           that really start on a verso to the other side (margins, running heads)
 *   pdf     each tab prints once; the front matter is printed last, its 目录 filled from the
 *           assembled page map. `place` entries remember, per chunk and F, which cached PDF
 *           (`pdf` entries) holds its pages, so a rebuild copies unchanged papers' pages from
 *           there and lays out only what changed
 *
 * Tabs take groups from one queue in book order and never wait for one another before
 * printing, when every chunk has been laid out. An edit re-lays out its own paper; the papers
 * after it are re-laid out too only when the edit changed its number of pages (their folios
 * move), since their cached pages carry the old folios.
 *
 * JUAN_DEBUG_TIMING=1 prints each tab step (load, layout per group, stamp, pdf) on a timeline (report/debug-timing.ts).
 */
import type { ElementContent } from 'hast';
import type { Page } from 'puppeteer-core';
import type { PageLocation, PageMap } from '../../model/types.ts';
import type { BuildCache } from '../../cache/store.ts';
import { hashKey } from '../../cache/store.ts';
import { JuanError } from '../../report/errors.ts';
import { debugTiming } from '../../report/debug-timing.ts';
import { BrowserSession, withStage } from './browser.ts';
import type { ChunkPlan } from './chunks.ts';
import { serveBook, type BookServer, type Served } from './server.ts';
import { openShellTab, type ShellTab } from './shell-tab.ts';

/** A page as the browser-side handler records it (chunk-local physical number and folio). */
export interface LocalPage {
  page: number;
  /** In a group run: which of the group's chunks the page belongs to (0-based). */
  member?: number;
  folio: string;
  printed: boolean;
  section: 'front' | 'body';
  blank: boolean;
  start: { blockId: string; offset: number } | null;
}

export interface ChunkLayout {
  pages: LocalPage[];
  /** id → chunk-local physical page. */
  targets: Record<string, { page: number; folio: string }>;
}

export interface ChunkJob {
  plan: ChunkPlan;
  /** The chunk's <body> content. */
  body: string;
  /** Cache key of its layout (content, styles, fonts, settings, engine). */
  key: string;
}

/** Browser tabs laying out papers at once by default: one per core of the build machine. */
export const LAYOUT_TABS = 2;

/**
 * Layout tabs worth opening before the book is read: a book built with this cache before
 * probably has a paper or two to lay out — one tab then (a second opens if needed).
 */
export function earlyTabs(cache?: BuildCache): number {
  return cache?.holds('layout') ? 1 : LAYOUT_TABS;
}

/** Where a chunk's pages are in a cached PDF. */
interface Placement { pdf: string; from: number; count: number }

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
  /** Chunks laid out in the browser in this build (the rest came from the cache). */
  laidOut: number;
  /** Ids of the papers laid out in the browser in this build. */
  laidOutPapers: string[];
  /** PDFs printed in this build. */
  printed: number;
  /** The 目录's links (on the front matter's pages), to be made PDF links after the merge. */
  tocLinks: TocLink[];
}

/** A 目录 link as laid out: front-matter page (0-based), target id, box in CSS px from the page's top left. */
export interface TocLink { page: number; id: string; x: number; y: number; w: number; h: number; pageWidth: number }

/** What reached the pages: characters of the source missing from them, pages the handler did not see. */
interface LayoutCheck { lostChars: number; unrecorded: number }

/** Consecutive chunks laid out as one flow; `first` names it in the tab (juan.flows). */
interface Group { first: number; members: number[] }

/**
 * A group takes this share of the uncached text still in the queue, per tab (guided
 * self-scheduling): big groups first save Paged.js's per-flow setup (stylesheet parse,
 * handlers: ~70 ms a flow), ever smaller ones at the end keep the tabs finishing together.
 */
const GROUP_SHARE = 0.5;

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

interface Deferred<T> { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void }
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {});
  return { promise, resolve, reject };
}

interface JuanWindow {
  __juan: {
    runChunk(index: number, html: string[], kind: string): Promise<{ layout: ChunkLayout; check: LayoutCheck } | null>;
    stamp(list: Array<[number, number | null]>): number[];
    setFonts(css: string): void;
    show(index: number | null): void;
    fillToc(l: Record<string, string>): { filled: number; missing: string[]; changed: number; overflowing: string[] };
  };
}

export async function renderChunks(front: ChunkJob, body: ChunkJob[], options: ChunkedOptions): Promise<ChunkedResult> {
  const { cache, timeoutMs } = options;
  const tabs = Math.max(1, options.tabs ?? LAYOUT_TABS);
  const totalPapers = body.reduce((n, j) => n + j.plan.papers.length, 0);

  // ---- layouts the cache knows; F(i) as soon as the layouts before i are known
  const layouts = body.map((job) => deferred<ChunkLayout>());
  const cachedLayout = body.map((job) => cache?.getJson<ChunkLayout>('layout', job.key) ?? null);
  cachedLayout.forEach((l, i) => l && layouts[i]!.resolve(l));
  const blanks: boolean[] = body.map(() => false);
  const firsts: Array<Promise<number>> = [];
  for (let i = 0; i < body.length; i++) {
    const prev = i === 0 ? Promise.resolve(1) : Promise.all([firsts[i - 1]!, layouts[i - 1]!.promise]).then(([f, l]) => f + l.pages.length);
    const rectoStart = body[i]!.plan.rectoStart;
    firsts.push(prev.then((f) => ((blanks[i] = rectoStart && f % 2 === 0) ? f + 1 : f)));
    firsts[i]!.catch(() => {});
  }
  const placeKey = (i: number, first: number) => hashKey(body[i]!.key, 'first-folio', String(first));

  // ---- progress
  const pagesDone = body.map((_, i) => cachedLayout[i]?.pages.length ?? 0);
  let frontPages = 0;
  let papersDone = 0;
  const reportPages = () => options.onPage?.(pagesDone.reduce((a, b) => a + b, 0) + frontPages);
  const paperDone = (i: number) => {
    papersDone += body[i]!.plan.papers.length;
    options.onPaper?.(papersDone, totalPapers);
  };

  // ---- cached pages: a chunk whose layout is cached and whose F is known from cached layouts
  // only; the others are found out in book order by the queue below.
  const placed: Array<{ place: Placement; pdf: Uint8Array } | null> = body.map(() => null);
  const pdfFiles = new Map<string, Uint8Array | null>();
  const cachedPdf = (name: string): Uint8Array | null => {
    if (!pdfFiles.has(name)) {
      const data = cache?.get('pdf', name, 'pdf');
      pdfFiles.set(name, data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null);
    }
    return pdfFiles.get(name)!;
  };
  const lookUp = async (i: number): Promise<boolean> => {
    if (!cache || !cachedLayout[i]) return false;
    const place = cache.getJson<Placement>('place', placeKey(i, await firsts[i]!));
    const pdf = place && cachedPdf(place.pdf);
    if (!place || !pdf) return false;
    placed[i] = { place, pdf };
    paperDone(i);
    return true;
  };
  let prefix = 0;
  while (prefix < body.length && cachedLayout[prefix]) prefix++;
  const hits = await Promise.all(body.map((_, i) => (i < prefix ? lookUp(i) : Promise.resolve(false))));
  reportPages();

  let server: BookServer | null = null;
  let ownServer = false;
  let session: BrowserSession | undefined;
  const ownSession = !options.session;
  let laidOut = 0;
  let printed = 0;
  const laidOutPapers: string[] = [];
  let published: PageMap | null = null;
  let announced = false;
  /** onPageMap, once the map is known and no tab still has to ask for its PDF. */
  const announce = () => {
    if (announced || !published || waitingToPrint > 0) return;
    announced = true;
    options.onPageMap?.(published);
  };
  let waitingToPrint = 0;
  const printRequested = () => {
    waitingToPrint--;
    announce();
  };

  /** A tab: one window with the shell document, reused for chunk after chunk. */
  const openTab = async () => {
    const opened = options.preopened?.shift();
    const shellTab = (opened && (await opened.catch(() => null))) || (await openShellTab(session!, server!.origin, timeoutMs));
    const { page, crashed } = shellTab;
    let current = -1;
    shellTab.onProgress = (n) => {
      if (current < 0) return;
      pagesDone[current] = n;
      reportPages();
    };
    const abort = () => void page.close().catch(() => {});
    const stage = async <T>(name: string, fn: () => Promise<T>) => {
      const t = performance.now();
      try {
        return await withStage(name, timeoutMs, () => Promise.race([fn(), crashed]), abort);
      } finally {
        debugTiming('tab', `${name} ${current}`, t);
      }
    };
    const fontCss = await options.fontCss;
    await stage('fonts', () => page.evaluate((css) => (window as unknown as JuanWindow).__juan.setFonts(css), fontCss));
    const groups: Group[] = [];
    let shown = true;
    const tab = {
      page,
      stage,
      /** Groups laid out in this tab, in order (the front matter is the group [-1]). */
      groups,
      /**
       * Lay out consecutive chunks as one Paged.js flow (one stylesheet parse, one setup) and
       * cut the result back into each chunk's own layout — the same one the chunk gets alone,
       * since each starts on a new page and only the first may need a recto.
       */
      async run(members: number[], jobs: ChunkJob[]): Promise<ChunkLayout[]> {
        current = members[0]!;
        shown = false; // the run hides the chunks before it
        const result = await stage('layout', () =>
          page.evaluate(([i, html, kind]) => (window as unknown as JuanWindow).__juan.runChunk(i, html, kind), [members[0]!, jobs.map((j) => j.body), jobs[0]!.plan.kind] as const),
        );
        if (!result) throw new JuanError('render', '排版完成但没有得到页码表（Paged.js 处理器未运行）', { source: 'print:layout' });
        const { lostChars, unrecorded } = result.check;
        if (lostChars > 0 || unrecorded) {
          throw new JuanError(
            'render',
            `正文没有完整排进页面：${lostChars > 0 ? `${lostChars} 个字丢失` : `${unrecorded} 页没有登记页码`}`,
            { source: 'print:layout', hint: 'Paged.js 无法在很长、没有标点的段落中间分页：把这样的段落分成几段' },
          );
        }
        groups.push({ first: members[0]!, members });
        laidOut += members.length;
        for (const job of jobs) laidOutPapers.push(...job.plan.papers);
        return members.length === 1 ? [result.layout] : splitGroup(result.layout, members.length);
      },
      /** Give every group of this tab its first folio (null: the front matter), in one round trip; → page counts. */
      async stamp(list: Array<[number, number | null]>): Promise<number[]> {
        return stage('stamp', () => page.evaluate((l) => (window as unknown as JuanWindow).__juan.stamp(l), list));
      },
      /** Show chunk `index` alone, or (null) every chunk laid out in this tab — hidden while the next one was laid out. */
      async show(index: number | null = null): Promise<void> {
        if (index == null && shown) return;
        await stage('show', () => page.evaluate((i) => (window as unknown as JuanWindow).__juan.show(i), index));
        shown = index == null;
      },
      async print(): Promise<Uint8Array> {
        await tab.show();
        if (options.inspect) await stage('inspect', () => options.inspect!(page));
        // The fonts are loaded before any layout: no wait for them (a round trip) here. Not
        // tagged (puppeteer's default): Chromium would build an accessibility tree of every
        // page for a structure the merge drops.
        const printing = stage('pdf', () => page.pdf({ preferCSSPageSize: true, printBackground: true, waitForFonts: false, tagged: false }));
        setImmediate(printRequested); // the request is on its way by then
        const pdf = await printing;
        options.onPdf?.(pdf);
        printed++;
        return pdf;
      },
      close: () => shellTab.close(),
    };
    return tab;
  };
  type Tab = Awaited<ReturnType<typeof openTab>>;

  try {
    const needBody = hits.some((h) => !h);
    const frontLayoutCached = cache?.getJson<ChunkLayout>('layout', front.key) ?? null;
    const frontKey = (map: PageMap) => hashKey(front.key, 'toc', JSON.stringify(options.tocLabels(map)));

    /** The front matter's pages: which PDF, from which page, and its 目录 links. */
    type FrontDone = { layout: ChunkLayout; pdf: Uint8Array; from: number; links: TocLink[] };
    /** The front matter printed for these 目录 numbers before (`place` and `links` entries by frontKey). */
    const cachedFront = (layout: ChunkLayout, key: string): FrontDone | null => {
      const place = cache?.getJson<Placement>('place', key);
      const pdf = place && cachedPdf(place.pdf);
      const links = pdf && cache?.getJson<TocLink[]>('links', key);
      return place && pdf && links ? { layout, pdf, from: place.from, links } : null;
    };
    let frontReady: FrontDone | null = null;
    if (!needBody && frontLayoutCached) frontReady = cachedFront(frontLayoutCached, frontKey(publishMap(frontLayoutCached, await allLayouts())));

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

    // ---- the front matter lives in the first worker's tab (no browser process of its own):
    // laid out first when its layout is not cached; printed with that tab's pages once the
    // page map is known and the 目录 filled — unless a PDF for these 目录 numbers is cached
    const frontLayout = deferred<ChunkLayout>();
    if (frontLayoutCached) frontLayout.resolve(frontLayoutCached);
    const frontTask = deferred<FrontDone>();
    if (frontReady) frontTask.resolve(frontReady);

    // ---- body chunks: one queue in book order, `tabs` workers, each printing once at the end
    /** Uncached text from chunk i to the end. */
    const uncachedFrom: number[] = [];
    for (let i = body.length - 1, n = 0; i >= 0; i--) uncachedFrom[i] = n += cachedLayout[i] ? 0 : body[i]!.body.length;
    const printedBy = new Map<number, { tab: number; from: number }>();
    const tabPdfs: Array<{ name: string; pdf: Uint8Array } | null> = [];
    let next = 0;
    const worker = async (w: number) => {
      let tab: Tab | null = null;
      let printing = false;
      const hostsFront = w === 0 && !frontReady;
      const frontInTab = () => !!tab?.groups.some((g) => g.first === -1);
      const layOutFront = async () => {
        tab ??= await openTab();
        const layout = (await tab.run([-1], [front]))[0]!;
        if (!frontLayoutCached) {
          cache?.putJson('layout', front.key, layout);
          frontLayout.resolve(layout);
        }
        frontPages = layout.pages.length;
        reportPages();
      };
      try {
        if (hostsFront && !frontLayoutCached) await layOutFront();
        while (next < body.length) {
          const i = next;
          if (hits[i]) {
            next++;
            continue;
          }
          if (cachedLayout[i]) {
            next++;
            if (await lookUp(i)) continue;
          }
          // Chunks laid out together: this one and the uncached ones after it, up to the group
          // size, never across a chunk that must start on a recto.
          const members = [i];
          if (!cachedLayout[i]) {
            const groupChars = (uncachedFrom[i]! * GROUP_SHARE) / tabs;
            let size = body[i]!.body.length;
            for (let j = i + 1; j < body.length && !cachedLayout[j] && !body[j]!.plan.rectoStart && size + body[j]!.body.length <= groupChars; j++) {
              members.push(j);
              size += body[j]!.body.length;
            }
            next = members[members.length - 1]! + 1;
          }
          tab ??= await openTab();
          let fresh: ChunkLayout[];
          try {
            fresh = await tab.run(members, members.map((m) => body[m]!));
          } catch (first) {
            // A timeout or crash: each chunk of the group gets one more try alone, in a fresh
            // tab; then the error names the paper.
            await tab.close();
            tab = await openTab();
            fresh = [];
            for (const m of members) {
              try {
                fresh.push(...(await tab.run([m], [body[m]!])));
              } catch (error) {
                const e = error instanceof JuanError ? error : new JuanError('render', String(error));
                throw new JuanError('render', `排版论文「${chunkTitle(body[m]!.plan)}」时失败（已重试一次）：${e.message}`, {
                  source: e.source ?? 'print:layout', hint: e.hint, cause: first,
                });
              }
            }
          }
          members.forEach((m, k) => {
            if (!cachedLayout[m]) {
              cache?.putJson('layout', body[m]!.key, fresh[k]);
              layouts[m]!.resolve(fresh[k]!);
            }
            pagesDone[m] = fresh[k]!.pages.length;
            paperDone(m);
          });
          reportPages();
        }
        // The front matter, when this tab hosts it: its PDF for the final 目录 numbers may be cached.
        let frontKeyNow: string | null = null;
        if (hostsFront) {
          const layout = await frontLayout.promise;
          frontKeyNow = frontKey(publishMap(layout, await allLayouts()));
          const hit = frontInTab() ? null : cachedFront(layout, frontKeyNow);
          if (hit) {
            frontTask.resolve(hit);
            frontKeyNow = null;
          } else if (!frontInTab()) {
            await layOutFront(); // its layout was cached (or a retry replaced the tab): lay it out here to print it
          }
        }
        if (!tab) return;
        // Every group of this tab gets its real folios, then the tab prints once.
        const counts = await tab.stamp(await Promise.all(tab.groups.map(async (g): Promise<[number, number | null]> => [g.first, g.first === -1 ? null : await firsts[g.first]!])));
        let links: TocLink[] = [];
        if (frontKeyNow) {
          options.onStage?.('toc');
          // The 目录's lines are measured with the front matter alone on show: with every
          // chunk shown, measuring lays out the whole tab (~0.7 s at 300 pages) for nothing.
          await tab.show(-1);
          await fillToc(tab, options.tocLabels(published!));
          links = await tab.stage('links', () => frontLinks(tab!.page));
        }
        // Pages in the tab's PDF: its runs in order (the front matter where it was laid out).
        let from = 0;
        let frontFrom = 0;
        let frontCount = 0;
        for (const [k, g] of tab.groups.entries()) {
          const count = counts[k]!;
          if (g.first === -1) {
            frontFrom = from;
            frontCount = count;
            from += count;
            continue;
          }
          let offset = 0;
          for (const m of g.members) {
            printedBy.set(m, { tab: w, from: from + offset });
            offset += (await layouts[m]!.promise).pages.length;
          }
          if (offset !== count) throw new JuanError('render', `排版结果不一致：一组论文共 ${count} 页，分篇合计 ${offset} 页`, { source: 'print:layout' });
          from += count;
        }
        const members = tab.groups.flatMap((g) => (g.first === -1 ? [] : g.members));
        printing = true; // tab.print says when its request is sent (printRequested)
        const pdf = await tab.print();
        const name = hashKey(...members.map((i) => body[i]!.key), frontKeyNow ?? '', 'pdf', String(from), ...(await Promise.all(members.map((i) => firsts[i]!))).map(String));
        tabPdfs[w] = { name, pdf };
        cache?.put('pdf', name, 'pdf', pdf);
        for (const i of members) {
          const at = printedBy.get(i)!;
          cache?.putJson('place', placeKey(i, await firsts[i]!), { pdf: name, from: at.from, count: (await layouts[i]!.promise).pages.length });
        }
        if (frontKeyNow) {
          const layout = await frontLayout.promise;
          cache?.putJson('place', frontKeyNow, { pdf: name, from: frontFrom, count: frontCount } satisfies Placement);
          cache?.putJson('links', frontKeyNow, links);
          frontTask.resolve({ layout, pdf, from: frontFrom, links });
        }
      } catch (error) {
        // Unblock everyone waiting for a layout this worker will never publish.
        for (const d of layouts) d.reject(error);
        frontLayout.reject(error);
        frontTask.reject(error);
        throw error;
      } finally {
        if (!printing) printRequested(); // this worker prints nothing: nobody waits for it
        await tab?.close();
      }
    };
    const missing = hits.filter((h) => !h).length;
    // Worker 0 always runs when the front matter must be printed, even with no paper to lay out.
    const workers = Math.max(Math.min(tabs, missing), frontReady ? 0 : 1);
    waitingToPrint = workers;
    await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
    const frontDone = await frontTask.promise;
    frontPages = frontDone.layout.pages.length;
    reportPages();
    const finalLayouts = await allLayouts();
    const pageMap = publishMap(frontDone.layout, finalLayouts);

    // ---- the pages in book order
    const out: ChunkedResult['pdfs'] = [{ pdf: frontDone.pdf, pages: frontDone.layout.pages.map((_, k) => frontDone.from + k) }];
    for (let i = 0; i < body.length; i++) {
      const local = finalLayouts[i]!;
      let pdf: Uint8Array;
      let from: number;
      const p = placed[i];
      if (p) {
        pdf = p.pdf;
        from = p.place.from;
      } else {
        const at = printedBy.get(i)!;
        pdf = tabPdfs[at.tab]!.pdf;
        from = at.from;
      }
      const pages = local.pages.map((_, k) => from + k);
      if (blanks[i]) {
        const blank = local.pages.findIndex((pg) => pg.blank);
        pages.unshift(blank >= 0 ? from + blank : -1);
      }
      const last = out[out.length - 1]!;
      if (last.pdf === pdf) last.pages.push(...pages);
      else out.push({ pdf, pages });
    }
    return { pageMap, pdfs: out, laidOut, printed, laidOutPapers, tocLinks: frontDone.links };
  } finally {
    if (ownSession && session) await session.close();
    if (ownServer) await server?.close();
  }

  /** The page map, assembled once, the first time it is asked for (and announced when no tab is still to print). */
  function publishMap(frontLayout: ChunkLayout, bodyLayouts: ChunkLayout[]): PageMap {
    if (!published) {
      published = assemble(frontLayout, bodyLayouts);
      announce();
    }
    return published;
  }

  async function allLayouts(): Promise<ChunkLayout[]> {
    const all = await Promise.all(layouts.map((d) => d.promise));
    await Promise.all(firsts);
    return all;
  }

  /** The book's page map from the front matter's and the body chunks' local maps. */
  function assemble(frontLayout: ChunkLayout, bodyLayouts: ChunkLayout[]): PageMap {
    const pages: Array<PageMap['pages'][number] & { start: LocalPage['start'] }> = [];
    const targets: Record<string, PageLocation> = {};
    for (const p of frontLayout.pages) pages.push({ ...p, section: 'front' });
    for (const [id, at] of Object.entries(frontLayout.targets)) targets[id] ??= { page: at.page, folio: at.folio };
    if (pages.length % 2 !== 0) {
      throw new JuanError('render', `前置部分（扉页、目录）排成 ${pages.length} 页，应为偶数页`, { source: 'print:layout' });
    }
    let folio = 1;
    bodyLayouts.forEach((local, i) => {
      if (blanks[i]) pages.push({ page: pages.length + 1, folio: String(folio++), printed: false, section: 'body', blank: true, start: null });
      const offset = pages.length;
      const first = folio;
      for (const p of local.pages) {
        pages.push({ page: offset + p.page, folio: String(first + p.page - 1), printed: p.printed, section: 'body', blank: p.blank, start: p.start });
      }
      for (const [id, at] of Object.entries(local.targets)) targets[id] ??= { page: offset + at.page, folio: String(first + at.page - 1) };
      folio += local.pages.length;
    });
    // A blank body page starts where the next page with text starts (as the single-document handler did).
    const pageStarts: PageMap['pageStarts'] = [];
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      if (p.section !== 'body') continue;
      let start = p.start;
      for (let j = i + 1; !start && j < pages.length; j++) start = pages[j]!.start;
      if (start) pageStarts.push({ page: p.page, folio: p.folio, blockId: start.blockId, offset: start.offset });
    }
    return { pageCount: pages.length, pages: pages.map(({ start: _start, ...rest }) => rest), targets, pageStarts };
  }

  async function fillToc(tab: Tab, labels: Record<string, string>): Promise<void> {
    const result = await tab.stage('toc', () => tab.page.evaluate((l) => (window as unknown as JuanWindow).__juan.fillToc(l), labels));
    if (result.missing.length || result.changed || result.overflowing.length) {
      throw new JuanError(
        'render',
        `目录页码回填失败：缺 ${result.missing.length} 项，${result.changed} 行高度改变，${result.overflowing.length} 个页码溢出`,
        { source: 'print:toc' },
      );
    }
  }
}

/** The 目录's link boxes on the front matter's pages (the 目录 points at pages of other documents: merge.ts makes the links). */
function frontLinks(page: Page): Promise<TocLink[]> {
  return page.evaluate(() => {
    const out: Array<{ page: number; id: string; x: number; y: number; w: number; h: number; pageWidth: number }> = [];
    Array.from(document.querySelectorAll('.juan-run[data-chunk="-1"] .pagedjs_page')).forEach((pg, page) => {
      const box = pg.getBoundingClientRect();
      for (const a of Array.from(pg.querySelectorAll('a.toc-link[href^="#"]'))) {
        for (const r of Array.from(a.getClientRects())) {
          out.push({ page, id: a.getAttribute('href')!.slice(1), x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height, pageWidth: box.width });
        }
      }
    });
    return out;
  });
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
