/**
 * `juan build`: manuscript → book.pdf, print.html, book.epub, toc.json,
 * manuscript.normalized.md (目录 with the real page numbers), report.json.
 * Everything is produced in memory/staging first and published only when all succeeded.
 */
import { join, resolve } from 'node:path';
import type { PageMap, Volume } from '../model/types.ts';
import type { PDFDocument } from 'pdf-lib';
import { BuildCache, flushCacheWrites } from '../cache/store.ts';
import { parseCacheFor } from '../normalize/parse.ts';
import { BrowserSession, findChromium, type LaunchingBrowser } from '../render/print/browser.ts';
import { earlyTabs } from '../render/print/schedule.ts';
import { LayoutEngine } from '../render/print/engine.ts';
import type { PrintPrelude } from '../render/print/prelude.ts';
import type { KeptPdfs } from '../render/print/kept-pdfs.ts';
import { publishOutputs, sweepStaleStaging, type OutputFile } from '../output/atomic.ts';
import { writers, type Writer, type WriterName } from '../render/writers.ts';
import { buildReport, type BuildReport } from '../render/report/report-json.ts';
import { BookConfigSchema, type BookConfig } from '../config/schema.ts';
import { removeStaleOutputs } from './stale.ts';
import { startRun, type Callbacks, type CommonOptions, type ReadResult, type RunStart } from './inputs.ts';

export interface BuildOptions extends CommonOptions {
  /** Add bleed and crop marks for the printer. */
  printReady?: boolean;
  /** Skip the EPUB (faster proofing builds). */
  epub?: boolean;
  /** Layout cache folder (--cache DIR); default `.cache/juan` under the project (cwd). */
  cacheDir?: string;
  /** false = cold build (--no-cache): the cache is neither read nor written. */
  cache?: boolean;
  /**
   * false = do not start Chromium before it is known to be needed. A Chromium already being
   * launched for this build (the CLI starts it before it loads the build's modules): runBuild
   * gives it book.yaml's time limit, uses it and closes it.
   */
  browser?: boolean | LaunchingBrowser;
  /** Leave the browser open at the end (juan preview keeps one warm between builds and closes it itself). */
  keepBrowser?: boolean;
  /**
   * Preview builds (juan preview): layout tabs opened ahead, between builds (prelude.ts); the
   * engine takes them instead of opening its own, and closes them with the build.
   */
  prelude?: PrintPrelude;
  /** Preview builds: the cached PDFs the previous builds parsed, kept for this one (kept-pdfs.ts). */
  keptPdfs?: KeptPdfs;
  /** Preview builds: false — the pages as laid out are not saved in the cache (layout.ts ChunkedOptions.savePages). */
  savePages?: boolean;
  /**
   * Preview builds: called with the PDF and page map as soon as they are made; the writers
   * (normalized Markdown, toc.json, report, EPUB) start only after it has settled, and the
   * outputs are published after them — the editor's page is not kept waiting for files it
   * does not show.
   */
  onPrinted?: (printed: { pdf: Uint8Array; pageMap: PageMap; volume: Volume; doc: PDFDocument }) => Promise<void> | void;
}

export interface BuildResult extends ReadResult {
  pageMap: PageMap;
  report: BuildReport & { cache: BuildCacheReport };
  written: string[];
  /** Outputs of an earlier build removed because this build does not make them (book.epub with --no-epub). */
  removed: string[];
}

/** What the layout cache did in this build (report.json `cache`). */
export interface BuildCacheReport {
  enabled: boolean;
  dir: string | null;
  /** Cache entries read / not found / written. */
  hits: number;
  misses: number;
  writes: number;
  /** Layout chunks (front matter + one per paper) and how many the browser laid out in this build. */
  chunks: number;
  chunksLaidOut: number;
  /** Ids of the papers the browser laid out in this build. */
  papersLaidOut: string[];
}

export interface BuildCallbacks extends Callbacks {
  /** Papers laid out (or taken from the cache) so far, of `total`. */
  onPaper?: (done: number, total: number) => void;
}

/** The writers that read the page map, in the order their files are listed. */
const WRITERS: WriterName[] = ['markdown', 'toc', 'report', 'epub'];

export async function runBuild(options: BuildOptions, callbacks: BuildCallbacks = {}): Promise<BuildResult> {
  // As soon as book.yaml is read, the layout engine warms up (font decoding; Chromium opens the
  // layout tabs and loads their shell) while Node reads the manuscript and builds the print
  // HTML; the browser is used only if a paper has to be laid out, and closed at the end either way.
  const cacheDir = resolve(options.cwd ?? process.cwd(), options.cacheDir ?? join('.cache', 'juan'));
  const cache = options.cache === false ? undefined : new BuildCache(cacheDir);
  const launching = typeof options.browser === 'object' ? options.browser : undefined;
  let session: Promise<BrowserSession> | undefined = launching?.session;
  const engine = new LayoutEngine({ printReady: options.printReady ?? false, cache, prelude: options.prelude, keptPdfs: options.keptPdfs, savePages: options.savePages });
  // The layout tabs' windows open as soon as the browser is up, before book.yaml is read.
  if (!options.prelude) session?.then((s) => s.warmWindows(earlyTabs(cache)), () => {});
  const start = (config: BookConfig | null) => {
    const timeoutSeconds = config?.build.timeoutSeconds ?? BookConfigSchema.properties.build.properties.timeoutSeconds.default;
    launching?.setTimeLimit(timeoutSeconds * 1000);
    if (!session && options.browser !== false) {
      try {
        findChromium();
        session = BrowserSession.launch({ timeoutMs: timeoutSeconds * 1000 });
        session.catch(() => {});
      } catch {
        /* no browser: the layout says so if it needs one */
      }
    }
    if (config) engine.warm(config, session);
  };
  try {
    // the manuscript's pieces parsed by the last build are read from the cache folder (normalize/parse.ts)
    const run = await startRun(options, callbacks, start, parseCacheFor(cache?.dir));
    return await build(run);
  } finally {
    launching?.setTimeLimit(0); // a launch still under way (the build failed early) is given up
    await closeBrowser();
    await flushCacheWrites(); // the cache is whole when the build returns, failed or not
  }

  /** Close the early tabs' server and the browser (both safe to call again). */
  async function closeBrowser(): Promise<void> {
    // Both at once: the server's close completes only when the main thread is free again (after
    // the merge), and the browser, killed now, then ends on the other core meanwhile.
    await Promise.all([engine.close(), session && !options.keepBrowser ? session.then((s) => s.close(), () => {}) : null]);
  }

  async function build(run: RunStart): Promise<BuildResult> {
    const { inputs, clock, warnings, onWarning, read } = run;
    const { volume } = read;
    const stageTimings: Record<string, number> = {};
    // The writers only need the page map: they start as soon as it is known and run while
    // Chromium prints and the PDFs are merged.
    const chosen = WRITERS.filter((name) => !(name === 'epub' && options.epub === false));
    const started = new Map<WriterName, Promise<OutputFile[]>>();
    const startWriters = (pageMap: PageMap) => {
      if (started.size) return;
      for (const name of chosen) {
        const writer: Writer = writers[name];
        const files = clock.timeAsync(name, () => writer.write({ volume, pageMap, cache }));
        files.catch(() => {});
        started.set(name, files);
      }
    };
    // ---- layout: the page map and the print files
    // (the writers' threads start now: loading their code at the start would slow the reading
    // and the browser's launch, which both cores are busy with)
    for (const name of chosen) (writers[name] as Writer).warm?.();
    callbacks.onStage?.('print');
    const layout = await clock.timeAsync('print', () =>
      engine.layOut(volume, session, {
        onStage: callbacks.onStage,
        onPage: callbacks.onPage,
        onPaper: callbacks.onPaper,
        onPageMap: options.onPrinted ? undefined : startWriters,
        onBrowserDone: () => void closeBrowser(), // closes while the PDFs are merged
        timings: stageTimings,
      }),
    );
    if (options.onPrinted) {
      const pdf = layout.files.find((f) => f.path === 'book.pdf')!.data as Uint8Array;
      await options.onPrinted({ pdf, pageMap: layout.pageMap, volume, doc: layout.pdfDoc });
    }
    // Once the PDFs are in, the browser is done: it closes while the writers finish and the
    // outputs are published (the finally above waits for it).
    void closeBrowser();
    const files: OutputFile[] = [...layout.files];
    for (const w of layout.warnings) onWarning(w);
    // ---- the writers that read the page map
    startWriters(layout.pageMap);
    for (const name of chosen) {
      callbacks.onStage?.(name);
      files.push(...(await started.get(name)!));
    }
    const pageMap = layout.pageMap;
    cache?.prune();
    const cacheReport: BuildCacheReport = {
      enabled: Boolean(cache),
      dir: cache ? cacheDir : null,
      hits: cache?.stats.hits ?? 0,
      misses: cache?.stats.misses ?? 0,
      writes: cache?.stats.writes ?? 0,
      chunks: layout.chunks.total,
      chunksLaidOut: layout.chunks.laidOut,
      papersLaidOut: layout.chunks.laidOutPapers,
    };
    const report = {
      ...buildReport(read.file, volume, { warnings, timings: { ...clock.timings, ...stageTimings }, pages: pageMap.pageCount }),
      cache: cacheReport,
    };
    files.push({ path: 'report.json', data: JSON.stringify(report, null, 2) + '\n' });
    callbacks.onStage?.('publish');
    sweepStaleStaging(inputs.out);
    const written = publishOutputs(inputs.out, files);
    const removed = removeStaleOutputs(inputs.out, options.epub === false ? ['book.epub'] : []);
    return { ...read, pageMap, report, written, removed };
  }
}
