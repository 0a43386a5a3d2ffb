/**
 * The layout phase of the build: a layout engine warmed up from book.yaml alone, then turning
 * the volume into its page map and the print files (book.pdf, print.html, font assets).
 *
 *   warm    as soon as book.yaml is read — before the manuscript — the faces' font files are
 *           decoded in the font worker and the browser opens the layout tabs and loads their
 *           shell document (prelude.ts); a book built with this cache before probably has its
 *           subsets and most layouts there: no decoding then, one early tab (schedule.ts)
 *   layOut  renderPrint (index.ts) in the warmed tabs; the page map is handed on as soon as it
 *           is known, so the writers that need folios run while the PDFs print and merge
 */
import type { BuildCache } from '../../cache/store.ts';
import { TRIM_PRESETS, type BookConfig } from '../../config/schema.ts';
import { blankPagesForEven } from './pdf/page-count.ts';
import type { PageMap, Volume } from '../../model/types.ts';
import type { OutputFile } from '../../output/atomic.ts';
import { debugTiming } from '../../report/debug-timing.ts';
import { prefetchFaces } from '../fonts/subset.ts';
import type { BrowserSession } from './browser.ts';
import type { PDFDocument } from 'pdf-lib';
import { printFaces } from './fonts.ts';
import { startPrintPrelude, type PrintPrelude } from './prelude.ts';
import type { KeptPdfs } from './kept-pdfs.ts';
import { earlyTabs } from './schedule.ts';

export interface LayoutEngineOptions {
  /** 3 mm bleed and crop marks (--print-ready). */
  printReady: boolean;
  /** Build cache; none with --no-cache. */
  cache?: BuildCache;
  /** Tabs opened ahead by the caller (juan preview, between builds): used instead of opening new ones, closed by close(). */
  prelude?: PrintPrelude;
  /** Cached PDFs kept parsed between builds (juan preview: kept-pdfs.ts). */
  keptPdfs?: KeptPdfs;
  /** Save the pages as laid out in the cache (layout.ts ChunkedOptions.savePages; default true). */
  savePages?: boolean;
}

export interface LayoutCallbacks {
  onStage?: (stage: string) => void;
  onPage?: (pages: number) => void;
  onPaper?: (done: number, total: number) => void;
  /** The final page map, as soon as it is known (before the PDF is done). */
  onPageMap?: (map: PageMap) => void;
  /** Sub-stage timings (print:html, print:layout, print:merge, print:postprocess), ms, added to. */
  timings?: Record<string, number>;
  /** Every PDF is printed (the merge is still to come): the browser may close. */
  onBrowserDone?: () => void;
}

export interface LayoutResult {
  pageMap: PageMap;
  /** book.pdf, print.html and the font files it loads. */
  files: OutputFile[];
  /** Things the editor should know (characters no font has), in Chinese. */
  warnings: string[];
  /** Layout chunks (front matter + one per paper) and what the browser laid out / printed in this build. */
  chunks: { total: number; laidOut: number; printed: number; laidOutPapers: string[] };
  /** The document book.pdf was saved from (juan preview reads its pages from it). */
  pdfDoc: PDFDocument;
}

export class LayoutEngine {
  private prelude?: Promise<PrintPrelude>;

  constructor(private readonly options: LayoutEngineOptions) {
    if (options.prelude) this.prelude = Promise.resolve(options.prelude);
  }

  /**
   * Start what depends on book.yaml alone. Both start right here, synchronously (their modules
   * are loaded with this one): the main thread then reads the manuscript for a second without
   * a turn for anything else. Never throws: layOut meets any error again.
   */
  warm(config: BookConfig, session?: Promise<BrowserSession>): void {
    const { cache, printReady } = this.options;
    if (!cache?.holds('font')) {
      try {
        prefetchFaces(printFaces(config.fonts));
      } catch {
        /* layOut meets it again */
      }
    }
    if (session && !this.prelude) {
      this.prelude = (async () => startPrintPrelude(config, printReady, session, earlyTabs(cache)))();
      this.prelude.catch(() => {});
    }
  }

  async layOut(volume: Volume, session: Promise<BrowserSession> | undefined, callbacks: LayoutCallbacks = {}): Promise<LayoutResult> {
    const { renderPrint } = await import('./index.ts');
    // Sub-stage timings (html, layout, merge, postprocess) for report.json.
    let stage = '';
    let since = performance.now();
    const mark = (next: string) => {
      const now = performance.now();
      if (stage) debugTiming('print', stage, since);
      if (stage && callbacks.timings) callbacks.timings[`print:${stage}`] = Math.round((callbacks.timings[`print:${stage}`] ?? 0) + now - since);
      stage = next;
      since = now;
    };
    const prelude = (await this.prelude?.catch(() => undefined)) ?? undefined;
    const { printReady, cache, keptPdfs, savePages } = this.options;
    const result = await renderPrint(volume, {
      prelude,
      keptPdfs,
      savePages,
      printReady,
      timeoutMs: volume.meta.build.timeoutSeconds * 1000,
      session,
      cache,
      onStage: (s) => {
        if (!s.startsWith('layout ')) mark(s === 'browser' || s === 'toc' ? 'layout' : s);
        callbacks.onStage?.(s);
      },
      onPage: callbacks.onPage,
      onPaper: callbacks.onPaper,
      onPageMap: callbacks.onPageMap,
      onBrowserDone: callbacks.onBrowserDone,
      postprocess: { printReady, bleedMm: volume.meta.page.bleed, trimMm: TRIM_PRESETS[volume.meta.page.trim] },
    });
    mark('');
    return {
      pageMap: result.pageMap,
      files: [{ path: 'book.pdf', data: result.pdf }, { path: 'print.html', data: result.html }, ...result.assets],
      warnings: [
        ...result.uncovered.map(
          (u) => `字体缺字：「${u.char}」(${u.codePoint}${u.name ? ` ${u.name}` : ''}) 出现 ${u.count} 次${u.paperId ? `，在 ${u.paperId}` : ''}，印刷时会显示为方框`,
        ),
        ...evenPageWarning(printReady, result.pageMap.pageCount),
      ],
      chunks: result.chunks,
      pdfDoc: result.doc,
    };
  }

  /** Close the early tabs nobody took and their server (safe to call twice). */
  async close(): Promise<void> {
    await this.prelude?.then((p) => p.close(), () => {});
  }
}

/** A press-ready book gets blank pages at the end to make its page count even (pdf/press.ts): said once. */
function evenPageWarning(printReady: boolean, pages: number): string[] {
  const blanks = printReady ? blankPagesForEven(pages) : 0;
  return blanks ? [`印厂版：版面 ${pages} 页为奇数，书末补 ${blanks} 页空白页，PDF 共 ${pages + blanks} 页`] : [];
}
