/**
 * A layout tab: a minimized browser window with the shell document loaded — styles, Paged.js
 * and our handlers, no content and no fonts yet (chunk-plan.ts `shellDocument`). Opening one
 * takes about a second (a window, a renderer process, parsing Paged.js);
 * layout-tab.ts then lays chunk after chunk out into it. Since the shell depends on book.yaml
 * alone, the tabs can be opened before the manuscript is read (prelude.ts).
 */
import type { Page } from 'puppeteer-core';
import { debugTiming } from '../../report/debug-timing.ts';
import { withStage, type BrowserSession } from './browser.ts';

export interface ShellTab {
  page: Page;
  /** Close the window; never rejects. */
  close(): Promise<void>;
  /** Rejects when the page crashes or the browser goes away. */
  crashed: Promise<never>;
  /** Pages laid out so far in the current chunk, as the browser-side handler reports them. */
  onProgress: ((pages: number) => void) | null;
}

/** The shell document's URL path on the book server. */
export const SHELL_PATH = '/_juan/shell.html';

export async function openShellTab(session: BrowserSession, origin: string, timeoutMs: number): Promise<ShellTab> {
  const start = performance.now();
  const { page, crashed, close } = await session.newPage(origin, { intercept: false, minimized: true });
  const tab: ShellTab = { page, crashed, close, onProgress: null };
  const abort = () => void page.close().catch(() => {});
  try {
    // Laid out under print media, the document needs no style change when Chromium prints it:
    // entering print from screen restyled every element of the tab again (trace of the 1×
    // bench volume's cold build: print style 370 → 181 ms, renderer main threads 4.3 → 3.9 CPU-s;
    // pages pixel-identical). Paged.js's @media print block sizes .pagedjs_page to the window,
    // but its page box keeps the page's size, so nothing laid out depends on the window.
    await Promise.all([page.emulateMediaType('print'), page.exposeFunction('__juanProgress', (n: number) => tab.onProgress?.(n))]);
    await withStage('load', timeoutMs, () => Promise.race([page.goto(`${origin}${SHELL_PATH}`, { waitUntil: 'load' }), crashed]), abort);
  } catch (error) {
    await close(); // no half-opened window left behind
    throw error;
  }
  debugTiming('tab', 'open', start);
  return tab;
}
