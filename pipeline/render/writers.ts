/**
 * The writers, in one explicit map (pandoc style): each reads the volume model (and, after the
 * print writer ran, its page map) and returns the files it produces. Adding an output means
 * adding one module and one entry here. Writers never re-parse Markdown.
 */
import type { PageMap, Volume } from '../model/types.ts';
import type { OutputFile } from '../output/atomic.ts';
import type { BrowserSession } from './print/browser.ts';
import { startPrintPrelude, type PrintPrelude } from './print/prelude.ts';
import { earlyTabs } from './print/chunked.ts';
import { printFaces } from './print/fonts.ts';
import { prefetchFaces } from './fonts/subset.ts';
import { blankPagesForEven } from './print/pdf/page-count.ts';
import type { BuildCache } from '../cache/store.ts';
import type { BookConfig } from '../config/schema.ts';
import { volumeToMarkdown } from './markdown.ts';
import { volumeToToc } from './toc-json.ts';
import { debugTiming } from '../report/debug-timing.ts';

export interface WriterContext {
  volume: Volume;
  /** Set once the print writer has laid the book out. */
  pageMap: PageMap | null;
  printReady: boolean;
  timeoutMs: number;
  /** A browser launched early by the build (it starts while the manuscript is read). */
  session?: BrowserSession | Promise<BrowserSession>;
  /** Build cache (--cache DIR): print layouts and PDFs, font subsets; none with --no-cache. */
  cache?: BuildCache;
  /** Per-stage timings of the writers' own steps (ms), merged into report.json's timings. */
  timings?: Record<string, number>;
  onStage?: (stage: string) => void;
  onPage?: (pages: number) => void;
  onPaper?: (done: number, total: number) => void;
  /** Called by the print writer with the final page map as soon as it is known (before its PDF is done). */
  onPageMap?: (map: PageMap) => void;
  /** From the print writer's prepare (EarlyContext). */
  prelude?: Promise<PrintPrelude>;
  /** Set by the print writer: layout chunks and how many the browser laid out. */
  printChunks?: { total: number; laidOut: number; printed: number; laidOutPapers: string[] };
}

/** What the build knows before the manuscript is read; writers' `prepare` may leave things in it for `write`. */
export interface EarlyContext {
  printReady: boolean;
  cache?: BuildCache;
  /** The browser being launched (none when there is no browser or it is not wanted). */
  session?: Promise<BrowserSession>;
  /** Set by the print writer's prepare: tabs and server started early (print/prelude.ts). */
  prelude?: Promise<PrintPrelude>;
}

export interface WriterResult {
  files: OutputFile[];
  pageMap?: PageMap;
  /** Things the editor should know (uncovered characters…), already in Chinese. */
  warnings?: string[];
}

export interface Writer {
  /** Stage name for progress and timings. */
  stage: string;
  /**
   * Work that depends on book.yaml alone, started before the manuscript is read (it runs
   * meanwhile, off Node's main thread where it can). Never throws: `write` meets any error again.
   */
  prepare?(config: BookConfig, early: EarlyContext): void;
  write(ctx: WriterContext): Promise<WriterResult>;
}

export const writers = {
  print: {
    stage: 'print',
    prepare(config, early) {
      // While the book is read: the faces' font files are decoded in the font worker, the
      // browser opens the layout tabs and loads their shell document (earlyTabs). A book built
      // with this cache before probably has its subsets there: no decoding then.
      // Both start right here, synchronously (their modules are loaded with this one): the
      // main thread then reads the manuscript for a second without a turn for anything else.
      if (!early.cache?.holds('font')) {
        try {
          prefetchFaces(printFaces(config.fonts));
        } catch {
          /* write meets it again */
        }
      }
      const session = early.session;
      if (session) {
        early.prelude = (async () => startPrintPrelude(config, early.printReady, session, earlyTabs(early.cache)))();
        early.prelude.catch(() => {});
      }
    },
    async write(ctx) {
      const { renderPrint } = await import('./print/index.ts');
      const { TRIM_PRESETS } = await import('../config/schema.ts');
      // Sub-stage timings (html, layout, merge, postprocess) for report.json.
      let stage = '';
      let since = performance.now();
      const mark = (next: string) => {
        const now = performance.now();
        if (stage) debugTiming('print', stage, since);
        if (stage && ctx.timings) ctx.timings[`print:${stage}`] = Math.round((ctx.timings[`print:${stage}`] ?? 0) + now - since);
        stage = next;
        since = now;
      };
      const prelude = (await ctx.prelude?.catch(() => undefined)) ?? undefined;
      const result = await renderPrint(ctx.volume, {
        prelude,
        printReady: ctx.printReady,
        timeoutMs: ctx.timeoutMs,
        session: ctx.session,
        cache: ctx.cache,
        onStage: (s) => {
          if (!s.startsWith('layout ')) mark(s === 'browser' || s === 'toc' ? 'layout' : s);
          ctx.onStage?.(s);
        },
        onPage: ctx.onPage,
        onPaper: ctx.onPaper,
        onPageMap: ctx.onPageMap,
        postprocess: { printReady: ctx.printReady, bleedMm: ctx.volume.meta.page.bleed, trimMm: TRIM_PRESETS[ctx.volume.meta.page.trim] },
      });
      ctx.printChunks = result.chunks;
      mark('');
      const pdf = result.pdf;
      const warnings = result.uncovered.map(
        (u) => `字体缺字：「${u.char}」(${u.codePoint}) 出现 ${u.count} 次${u.paperId ? `，在 ${u.paperId}` : ''}，印刷时会显示为方框`,
      );
      const blanks = ctx.printReady ? blankPagesForEven(result.pageMap.pageCount) : 0;
      if (blanks) warnings.push(`印厂版：版面 ${result.pageMap.pageCount} 页为奇数，书末补 ${blanks} 页空白页，PDF 共 ${result.pageMap.pageCount + blanks} 页`);
      return {
        files: [
          { path: 'book.pdf', data: pdf },
          { path: 'print.html', data: result.html },
          ...result.assets,
        ],
        pageMap: result.pageMap,
        warnings,
      };
    },
  },
  markdown: {
    stage: 'markdown',
    async write(ctx) {
      return { files: [{ path: 'manuscript.normalized.md', data: volumeToMarkdown(ctx.volume, ctx.pageMap ?? undefined) }] };
    },
  },
  toc: {
    stage: 'toc',
    async write(ctx) {
      return { files: [{ path: 'toc.json', data: JSON.stringify(volumeToToc(ctx.volume, ctx.pageMap ?? undefined), null, 2) + '\n' }] };
    },
  },
  epub: {
    stage: 'epub',
    async write(ctx) {
      const { renderEpub } = await import('./epub/index.ts');
      return { files: [{ path: 'book.epub', data: await renderEpub(ctx.volume, ctx.pageMap, { onStage: ctx.onStage, cache: ctx.cache }) }] };
    },
  },
} satisfies Record<string, Writer>;

export type WriterName = keyof typeof writers;
