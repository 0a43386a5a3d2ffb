/**
 * What the print build starts before the manuscript is read. The layout tabs' shell document
 * (styles, Paged.js, our handlers) depends on book.yaml alone, so as soon as it is read the
 * book server starts and the tabs open and load the shell (shell-tab.ts) — a second or two of
 * browser work done while Node reads the manuscript and builds the HTML and font subsets.
 * renderPrint takes the tabs when its own shell is the same (it always is for one book.yaml;
 * a difference only costs the head start).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BookConfig } from '../../config/schema.ts';
import { projectPath } from '../../paths.ts';
import type { BrowserSession } from './browser.ts';
import { shellDocument } from './chunk-plan.ts';
import { pageCss } from './page-css.ts';
import { serveBook, type BookServer, type Served } from './server.ts';
import { openShellTab, SHELL_PATH, type ShellTab } from './shell-tab.ts';

const require = createRequire(import.meta.url);
const STYLES = { shared: projectPath('styles', 'shared.css'), print: projectPath('styles', 'print.css') };
export const HANDLERS = projectPath('pipeline', 'render', 'print', 'paged-handlers.js');
export const CONTENT_HANDLERS = projectPath('pipeline', 'render', 'print', 'content-handlers.js');
export const KEEP_WITH_NEXT = projectPath('pipeline', 'render', 'print', 'keep-with-next.js');
/** pagedjs's exports map hides dist/; its `require` entry is lib/index.cjs. */
const PAGED_JS = path.resolve(path.dirname(require.resolve('pagedjs')), '../dist/paged.js');

export interface PrintShell {
  styles: { page: string; shared: string; print: string };
  /** The tab document (chunk-plan.ts `shellDocument`), without fonts. */
  shell: string;
  /** What the book server serves: the shell and its scripts; the fonts are added when made. */
  files: Map<string, Served>;
}

export function printShell(meta: BookConfig, printReady: boolean, stockPaged = false): PrintShell {
  const styles = {
    page: pageCss(meta, printReady),
    shared: readFileSync(STYLES.shared, 'utf8') + readFileSync(projectPath('styles', 'content.css'), 'utf8'), // content.css: tables, figures, notes… (render/content/)
    print: readFileSync(STYLES.print, 'utf8'),
  };
  const shell = shellDocument(meta.language || 'zh-CN', meta.title, styles, printReady, stockPaged);
  const files = new Map<string, Served>([
    ['/_juan/paged.js', { type: 'text/javascript', file: PAGED_JS }],
    ['/_juan/handlers.js', { type: 'text/javascript', file: HANDLERS }],
    ['/_juan/content-handlers.js', { type: 'text/javascript', file: CONTENT_HANDLERS }],
    ['/_juan/keep-with-next.js', { type: 'text/javascript', file: KEEP_WITH_NEXT }],
    [SHELL_PATH, { type: 'text/html; charset=utf-8', data: shell }],
  ]);
  return { styles, shell, files };
}

export interface PrintPrelude extends PrintShell {
  server: Promise<BookServer>;
  /** Tabs being opened; renderChunks takes them (and closes the ones it does not need). */
  tabs: Array<Promise<ShellTab>>;
  /** Close the server and any tab nobody took. Safe to call twice. */
  close(): Promise<void>;
}

export function startPrintPrelude(meta: BookConfig, printReady: boolean, session: Promise<BrowserSession>, tabs: number): PrintPrelude {
  const shell = printShell(meta, printReady);
  const server = serveBook(shell.files);
  const timeoutMs = meta.build.timeoutSeconds * 1000;
  const opened = Array.from({ length: tabs }, async () => openShellTab(await session, (await server).origin, timeoutMs));
  for (const t of [server, ...opened]) t.catch(() => {}); // renderChunks opens its own then, and meets the error
  return {
    ...shell,
    server,
    tabs: opened,
    async close() {
      for (const unused of opened.splice(0)) void unused.then((t) => t.close(), () => {});
      await server.then((s) => s.close(), () => {});
    },
  };
}
