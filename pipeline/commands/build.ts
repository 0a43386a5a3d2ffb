/**
 * `juan build`: manuscript → book.pdf, print.html, book.epub, toc.json,
 * manuscript.normalized.md (目录 with the real page numbers), report.json.
 * Everything is produced in memory/staging first and published only when all succeeded.
 */
import { join, resolve } from 'node:path';
import type { PageMap } from '../model/types.ts';
import { BuildCache } from '../cache/store.ts';
import { BrowserSession, findChromium, type LaunchingBrowser } from '../render/print/browser.ts';
import { earlyTabs } from '../render/print/chunked.ts';
import { publishOutputs, sweepStaleStaging, type OutputFile } from '../output/atomic.ts';
import { writers, type EarlyContext, type WriterContext, type Writer, type WriterName, type WriterResult } from '../render/writers.ts';
import { buildReport, type BuildReport } from '../report/report-json.ts';
import { BookConfigSchema, type BookConfig } from '../config/schema.ts';
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
}

export interface BuildResult extends ReadResult {
  pageMap: PageMap;
  report: BuildReport & { cache: BuildCacheReport };
  written: string[];
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

/** Print first (it yields the page map); the other writers read the page map. */
const ORDER: WriterName[] = ['print', 'markdown', 'toc', 'report', 'epub'];

export async function runBuild(options: BuildOptions, callbacks: BuildCallbacks = {}): Promise<BuildResult> {
  // As soon as book.yaml is read, the writers start what depends on it alone (fonts) and
  // Chromium starts and opens the layout tabs' windows, while Node reads the manuscript and
  // builds the print HTML; the browser is used only if a paper has to be laid out, and closed
  // at the end either way.
  const cacheDir = resolve(options.cwd ?? process.cwd(), options.cacheDir ?? join('.cache', 'juan'));
  const cache = options.cache === false ? undefined : new BuildCache(cacheDir);
  const launching = typeof options.browser === 'object' ? options.browser : undefined;
  const early: EarlyContext = { printReady: options.printReady ?? false, cache, session: launching?.session };
  // The layout tabs' windows open as soon as the browser is up, before book.yaml is read.
  early.session?.then((s) => s.warmWindows(earlyTabs(cache)), () => {});
  const start = (config: BookConfig | null) => {
    const timeoutSeconds = config?.build.timeoutSeconds ?? BookConfigSchema.properties.build.properties.timeoutSeconds.default;
    launching?.setTimeLimit(timeoutSeconds * 1000);
    if (!early.session && options.browser !== false) {
      try {
        findChromium();
        early.session = BrowserSession.launch({ timeoutMs: timeoutSeconds * 1000 });
        early.session.catch(() => {});
      } catch {
        /* no browser: the print writer says so if it needs one */
      }
    }
    if (config) for (const name of ORDER) (writers[name] as Writer).prepare?.(config, early);
  };
  try {
    const run = startRun(options, callbacks, start);
    return await build(run);
  } finally {
    launching?.setTimeLimit(0); // a launch still under way (the build failed early) is given up
    await closeBrowser();
  }

  /** Close the early tabs' server and the browser (both safe to call again). */
  async function closeBrowser(): Promise<void> {
    await early.prelude?.then((p) => p.close(), () => {});
    if (early.session) await early.session.then((s) => s.close(), () => {});
  }

  async function build(run: RunStart): Promise<BuildResult> {
    const { inputs, clock, warnings, onWarning, read } = run;
    const stageTimings: Record<string, number> = {};
    const ctx: WriterContext = {
      ...early, // printReady, cache, the browser being launched, the print prelude
      volume: read.volume,
      pageMap: null,
      timeoutMs: read.volume.meta.build.timeoutSeconds * 1000,
      timings: stageTimings,
      onStage: callbacks.onStage,
      onPage: callbacks.onPage,
      onPaper: callbacks.onPaper,
    };
    const files: OutputFile[] = [];
    // The writers after print only need its page map: they start as soon as the map is known and
    // run while Chromium prints and the PDFs are merged.
    const rest = ORDER.filter((name) => name !== 'print' && !(name === 'epub' && options.epub === false));
    const started = new Map<WriterName, Promise<WriterResult>>();
    const startRest = (map: PageMap) => {
      if (started.size) return;
      ctx.pageMap = map;
      for (const name of rest) {
        const writer: Writer = writers[name];
        const run = clock.timeAsync(name, () => writer.write({ ...ctx, onStage: undefined }));
        run.catch(() => {});
        started.set(name, run);
      }
    };
    ctx.onPageMap = startRest;
    callbacks.onStage?.('print');
    const printWriter: Writer = writers.print;
    const printed = await clock.timeAsync('print', () => printWriter.write(ctx));
    // Once the PDFs are in, the browser is done: it closes while the other writers finish and
    // the outputs are published (the finally below waits for it).
    void closeBrowser();
    files.push(...printed.files);
    for (const w of printed.warnings ?? []) onWarning(w);
    startRest(printed.pageMap!);
    ctx.pageMap = printed.pageMap!;
    for (const name of rest) {
      callbacks.onStage?.(name);
      const result = await started.get(name)!;
      files.push(...result.files);
      for (const w of result.warnings ?? []) onWarning(w);
    }
    const pageMap = ctx.pageMap!;
    cache?.prune();
    const cacheReport: BuildCacheReport = {
      enabled: Boolean(cache),
      dir: cache ? cacheDir : null,
      hits: cache?.stats.hits ?? 0,
      misses: cache?.stats.misses ?? 0,
      writes: cache?.stats.writes ?? 0,
      chunks: ctx.printChunks?.total ?? 0,
      chunksLaidOut: ctx.printChunks?.laidOut ?? 0,
      papersLaidOut: ctx.printChunks?.laidOutPapers ?? [],
    };
    const report = {
      ...buildReport(read.file, read.volume, { warnings, timings: { ...clock.timings, ...stageTimings }, pages: pageMap.pageCount }),
      cache: cacheReport,
    };
    files.push({ path: 'report.json', data: JSON.stringify(report, null, 2) + '\n' });
    callbacks.onStage?.('publish');
    sweepStaleStaging(inputs.out);
    const written = publishOutputs(inputs.out, files);
    return { ...read, pageMap, report, written };
  }
}
