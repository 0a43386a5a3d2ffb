/**
 * The one description of what crosses between Node and a layout tab: `window.__juan` (set up by
 * paged-handlers.js, which is type-checked against these declarations with `// @ts-check`) and
 * the values it returns. layout-tab.ts is the only Node code that calls it.
 */
import type { TabFonts } from './font-bundle.ts';

/** A page as the browser-side handler records it (chunk-local physical number and folio). */
export interface LocalPage {
  page: number;
  /** In a group run: which of the group's chunks the page belongs to (0-based). */
  member?: number;
  folio: string;
  printed: boolean;
  section: 'front' | 'body';
  blank: boolean;
  /** The text the page starts with: a block id (…-b<n>, or a part/paper id) and the code points of it on earlier pages. */
  start: { blockId: string; offset: number } | null;
}

/** A chunk's layout as if laid out alone: pages and folios from 1. */
export interface ChunkLayout {
  pages: LocalPage[];
  /** id → chunk-local physical page. */
  targets: Record<string, { page: number; folio: string }>;
}

/** What reached the pages: characters of the source missing from them, pages the handler did not see. */
export interface LayoutCheck {
  lostChars: number;
  /** Of those: on a page, but past its type area (clipped, never printed) — with the page numbers of the run. */
  clipped: { chars: number; pages: number[] };
  unrecorded: number;
}

export interface TocFillResult {
  filled: number;
  missing: string[];
  changed: number;
  overflowing: string[];
}

/** A 目录 link as laid out: front-matter page (0-based), target id, box in CSS px from the page's top left. */
export interface TocLink {
  page: number;
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  pageWidth: number;
}

/** `window.__juan` in a layout tab. */
export interface JuanApi {
  /** Pages of the run under way (the handler appends; runChunk returns them). */
  pages: LocalPage[];
  targets: ChunkLayout['targets'];
  /** Set once the run is laid out (AfterRenderedDone); null while it runs. */
  done: boolean;
  /**
   * Lay out one chunk — or a group of consecutive chunks, each its <body> content as HTML —
   * into a container of its own; null when the handlers did not run.
   */
  runChunk(index: number, htmls: string[], kind: 'front' | 'body'): Promise<{ layout: ChunkLayout; check: LayoutCheck } | null>;
  /**
   * Run `index`'s pages as laid out (before stamp), split into its `count` group members, and
   * the styles Paged.js generated in this tab's first run, which they need (when asked for).
   */
  savedPages(index: number, count: number, withStyles: boolean): { styles: string[] | null; html: string[] };
  /** Put saved pages (one member's `html`) into the document as run `index`, hidden, without a layout; `styles` when no run has styled the tab yet → its page count. */
  adopt(index: number, html: string, styles: string[] | null): number;
  /** Give each run its first folio (null: the front matter keeps its own) → their page counts. */
  stamp(list: Array<[number, number | null]>): number[];
  /** Set a custom property on a page's margin groups, where the folio and running head are read (not on the page: it would restyle the whole page). */
  setOnMargins(page: HTMLElement, name: string, value: string, priority?: string): void;
  /** Set the CSS and load the bundled faces as FontFace objects (font-bundle.ts) → when all are loaded. */
  setFonts(fonts: TabFonts): Promise<void>;
  /** Show run `index` alone, or (null) every run. */
  show(index: number | null): void;
  fillToc(labels: Record<string, string>): TocFillResult;
  /** The 目录's link boxes on the front matter's pages. */
  tocLinks(): TocLink[];
  /** Which Paged.js methods were replaced, and which were left stock (fingerprint mismatch or switched off). */
  patches: { applied: string[]; skipped: string[] };
  /** A body page as a flow's template makes it, margin boxes included (laid-out body pages have none): what the stamp pages are copied from; null when Paged.js's page template is not the one juan knows. */
  stampSource(): Element | null;
}

declare global {
  interface Window {
    __juan: JuanApi;
    /** Exposed by the Node side (shell-tab.ts) before any layout: pages laid out so far in the run. */
    __juanProgress?: (pages: number) => void;
    /** Set before paged-handlers.js runs to leave Paged.js stock (tests compare the two). */
    __juanStockPaged?: boolean;
  }
}

/** A Paged.js flow (Chunker) as the handlers use it. */
export interface PagedFlow {
  pages: Array<{ element: HTMLElement; area: HTMLElement; footnotesArea?: HTMLElement | null }>;
}

/** The `Paged` global of pagedjs 0.4.3's browser bundle, as far as paged-handlers.js uses it. */
export interface PagedGlobal {
  Handler: new (chunker: unknown, polisher: unknown, caller: unknown) => object;
  registeredHandlers: unknown[];
  registerHandlers(...handlers: unknown[]): void;
  /** A flow's page maker; juan only sets one up to read its page template (juan.stampSource). */
  Chunker: new () => { setup(renderTo: Element): void; pageTemplate: unknown };
  Previewer: {
    new (): { preview(content: DocumentFragment, stylesheets: unknown, renderTo: Element): Promise<PagedFlow>; polisher: unknown };
    prototype: { removeStyles(doc: Document): unknown };
  };
}

declare global {
  // Only in a layout tab (paged-handlers.js); never touched on the Node side.
  const Paged: PagedGlobal;
}
