/**
 * One layout tab and its protocol with the page (protocol.ts; paged-handlers.js is the page's
 * side): a window with the shell document, into which groups of chunks are laid out one after
 * another, then stamped with their real folios and printed once. Every browser round trip of
 * the layout goes through here, under a time limit and the tab's crash watch.
 */
import type { Page } from 'puppeteer-core';
import { debugTiming } from '../../report/debug-timing.ts';
import { JuanError } from '../../report/errors.ts';
import { withStage, type BrowserSession } from './browser.ts';
import type { TabFonts } from './font-bundle.ts';
import { splitGroup, type Stamp } from './folios.ts';
import type { ChunkLayout, TocLink } from './protocol.ts';
import { openShellTab, type ShellTab } from './shell-tab.ts';

export interface LayoutTabOptions {
  timeoutMs: number;
  /** The fonts, loaded before the first layout (font-bundle.ts). */
  fonts: Promise<TabFonts>;
  /** Pages laid out so far in the run under way, whose first chunk is `chunk`. */
  onProgress?: (chunk: number, pages: number) => void;
  /** The print request is on its way (what runs on Node's main thread no longer delays it). */
  onPrintRequested?: () => void;
  /** Test/debug hook: the laid-out page right before it is printed. */
  inspect?: (page: Page) => Promise<void>;
}

/** Consecutive chunks laid out as one flow; the front matter is the group [-1]. */
export interface TabGroup { members: number[] }

export class LayoutTab {
  /** Groups laid out in this tab, in order. */
  readonly groups: TabGroup[] = [];
  /**
   * Key of the styles Paged.js generated in this tab (its first run, or the first adopted
   * chunk's): pages laid out elsewhere are adopted only when they were printed with the same.
   */
  private stylesKey: string | null = null;
  /** Papers' chunks shown: false once a run hid the earlier ones. */
  private allShown = true;
  private current = -1;

  private constructor(private readonly tab: ShellTab, private readonly options: LayoutTabOptions) {
    tab.onProgress = (n) => {
      if (this.current >= 0) options.onProgress?.(this.current, n);
    };
  }

  /** A tab opened before the book was read (when it opened), else a new one; its fonts set. */
  static async open(options: LayoutTabOptions, from: { preopened?: Promise<ShellTab>; session: BrowserSession; origin: string }): Promise<LayoutTab> {
    const shell = (from.preopened && (await from.preopened.catch(() => null))) || (await openShellTab(from.session, from.origin, options.timeoutMs));
    const tab = new LayoutTab(shell, options);
    const fonts = await options.fonts;
    await tab.stage('fonts', () => shell.page.evaluate((f) => window.__juan.setFonts(f), fonts));
    return tab;
  }

  get page(): Page {
    return this.tab.page;
  }

  /** One browser step under the time limit; a crash or timeout closes the page. */
  async stage<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const abort = () => void this.tab.page.close().catch(() => {});
    try {
      return await withStage(name, this.options.timeoutMs, () => Promise.race([fn(), this.tab.crashed]), abort);
    } finally {
      debugTiming('tab', `${name} ${this.current}`, t);
    }
  }

  /**
   * Lay out consecutive chunks (their <body> HTML) as one Paged.js flow (one stylesheet parse,
   * one setup) and cut the result back into each chunk's own layout — the same one the chunk
   * gets alone, since each starts on a new page and only the first may need a recto. Throws
   * when text did not reach the pages.
   */
  async run(members: number[], htmls: string[], kind: 'front' | 'body'): Promise<ChunkLayout[]> {
    this.current = members[0]!;
    this.allShown = false; // the run hides the chunks before it
    const result = await this.stage('layout', () =>
      this.tab.page.evaluate(([i, html, k]) => window.__juan.runChunk(i, html, k), [members[0]!, htmls, kind] as const),
    );
    if (!result) throw new JuanError('render', '排版完成但没有得到页码表（Paged.js 处理器未运行）', { source: 'print:layout' });
    const { lostChars, clipped, unrecorded } = result.check;
    if (clipped.chars > 0) {
      throw new JuanError('render', `正文没有完整排进页面：${clipped.chars} 个字排到了版心之外、印不出来（这一部分的第 ${clipped.pages.join('、')} 页）`, {
        source: 'print:layout',
        hint: '这是 juan 排版的缺陷（排好的内容后来又变高了），请把书稿和这条消息报告给开发者；临时办法：在那一页附近改动几个字或一行',
      });
    }
    if (lostChars < 0) {
      // more text on the pages than in the chunk: a part of it laid out twice (a table's rows once did, around an empty page)
      throw new JuanError('render', `正文排版出错：${-lostChars} 个字在页面上印了两次`, {
        source: 'print:layout',
        hint: '这是 juan 排版的缺陷，请把书稿和这条消息报告给开发者；临时办法：在出错的表格或段落附近改动几个字或一行',
      });
    }
    if (lostChars > 0 || unrecorded) {
      throw new JuanError('render', `正文没有完整排进页面：${lostChars > 0 ? `${lostChars} 个字丢失` : `${unrecorded} 页没有登记页码`}`, {
        source: 'print:layout',
        hint: 'Paged.js 无法在很长、没有标点的段落中间分页：把这样的段落分成几段',
      });
    }
    this.groups.push({ members });
    return members.length === 1 ? [result.layout] : splitGroup(result.layout, members.length);
  }

  /**
   * The last run's pages as laid out (before stamp), one HTML per group member, and the
   * tab's generated styles under `stylesKey` (their hash): what `adopt` needs in another build.
   */
  async save(count: number, hash: (styles: string[]) => string): Promise<{ html: string[]; styles: string[] | null; stylesKey: string }> {
    const index = this.current;
    const first = !this.stylesKey;
    const saved = await this.stage('save', () => this.tab.page.evaluate(([i, n, s]) => window.__juan.savedPages(i, n, s), [index, count, first] as const));
    this.stylesKey ??= hash(saved.styles!);
    return { ...saved, stylesKey: this.stylesKey };
  }

  /**
   * Chunk `index`'s pages saved by an earlier build (`save`), put into this tab without a
   * layout, to be stamped and printed with the rest. False (nothing done) when this tab's
   * generated styles differ from those the pages were printed with, or their page count is
   * not `pages`.
   */
  async adopt(index: number, html: string, styles: { key: string; get(): string[] | null }, pages: number): Promise<boolean> {
    if (this.stylesKey && this.stylesKey !== styles.key) return false;
    if (!this.stylesKey && this.groups.length) return false; // runs here whose styles were not read
    const css = this.stylesKey ? null : styles.get();
    if (!this.stylesKey && !css) return false;
    this.current = index;
    const count = await this.stage('adopt', () => this.tab.page.evaluate(([i, h, c]) => window.__juan.adopt(i, h, c), [index, html, css] as const));
    this.stylesKey = styles.key;
    this.allShown = false;
    this.groups.push({ members: [index] });
    if (count !== pages) throw new JuanError('render', `缓存的第 ${index + 1} 部分页面有 ${count} 页，排版记录为 ${pages} 页`, { source: 'print:layout' });
    return true;
  }

  /** Whether the front matter was laid out in this tab. */
  get hostsFront(): boolean {
    return this.groups.some((g) => g.members[0] === -1);
  }

  /**
   * Every group ready to print, in one round trip → their page counts and the side each page is
   * on (r/l, a string per group). Body pages keep the folios and sides they were laid out with:
   * they are printed bare (see print) and get their real folio, running head and side at the
   * merge, from the furniture pages — so a chunk's printed pages never depend on where it starts.
   */
  stamp(): Promise<{ counts: number[]; sides: string[] }> {
    const list = this.groups.map((g): [number, null] => [g.members[0]!, null]);
    return this.stage('stamp', () =>
      this.tab.page.evaluate((l) => {
        const counts = window.__juan.stamp(l); // drops the sentinel pages
        const sides = l.map(([i]) =>
          Array.from(document.querySelectorAll('.juan-run[data-chunk="' + i + '"] .pagedjs_page'), (el) => (el.classList.contains('pagedjs_right_page') ? 'r' : 'l')).join(''),
        );
        return { counts, sides };
      }, list),
    );
  }

  /** Show chunk `index` alone, or (null) every chunk laid out in this tab. */
  async show(index: number | null = null): Promise<void> {
    if (index == null && this.allShown) return;
    await this.stage('show', () => this.tab.page.evaluate((i) => window.__juan.show(i), index));
    this.allShown = index == null;
  }

  /**
   * Fill the 目录 (laid out in this tab) with these labels and read its link boxes. Its lines
   * are measured with the front matter alone on show: with every chunk shown, measuring lays
   * out the whole tab (~0.7 s at 300 pages) for nothing.
   */
  async fillToc(labels: Record<string, string>): Promise<TocLink[]> {
    await this.show(-1);
    const result = await this.stage('toc', () => this.tab.page.evaluate((l) => window.__juan.fillToc(l), labels));
    if (result.missing.length || result.changed || result.overflowing.length) {
      throw new JuanError(
        'render',
        `目录页码回填失败：缺 ${result.missing.length} 项，${result.changed} 行高度改变，${result.overflowing.length} 个页码溢出`,
        { source: 'print:toc' },
      );
    }
    return this.stage('links', () => this.tab.page.evaluate(() => window.__juan.tocLinks()));
  }

  /**
   * Print every chunk laid out here, once: body pages bare (no running head, no folio, no crop
   * marks — the front matter keeps its own), then, when `stamps` are given, one page for each
   * with only that (a running head, a folio or the crop marks: FURNITURE_PAGES), to be drawn
   * over the bare pages at the merge.
   */
  async print(stamps: Stamp[] | null = null): Promise<Uint8Array> {
    await this.stage('furniture', () => this.tab.page.evaluate(`(${FURNITURE_PAGES})(${JSON.stringify([BARE_CSS, stamps])})`));
    await this.show();
    if (this.options.inspect) await this.stage('inspect', () => this.options.inspect!(this.tab.page));
    // The fonts are loaded before any layout: no wait for them (a round trip) here. Not
    // tagged (puppeteer's default): Chromium would build an accessibility tree of every
    // page for a structure the merge drops.
    const printing = this.stage('pdf', () => this.tab.page.pdf({ preferCSSPageSize: true, printBackground: true, waitForFonts: false, tagged: false }));
    setImmediate(() => this.options.onPrintRequested?.()); // the request is on its way by then
    return printing;
  }

  /** Which Paged.js replacements this tab applied and which it left stock. */
  patches(): Promise<{ applied: string[]; skipped: string[] }> {
    return this.tab.page.evaluate(() => window.__juan.patches);
  }

  close(): Promise<void> {
    return this.tab.close();
  }
}

/** What decides a stamp page's bytes besides the stamp and the tab's styles: part of its cache key (layout.ts). */
export const stampPagesSource = (): string => BARE_CSS + FURNITURE_PAGES;

/**
 * Body pages are printed bare: what depends on where a page lands (folio, running head and its
 * rule, and with --print-ready the crop marks, which must not move with the content) is hidden,
 * and printed instead on the furniture pages, which have no type area.
 */
const BARE_CSS = [
  '.juan-run:not([data-chunk="-1"]):not(.juan-furniture) :is(.pagedjs_margin-top-center, .pagedjs_margin-bottom-center, .pagedjs_bleed) { visibility: hidden !important; }',
  '.juan-furniture .juan-no-marks .pagedjs_bleed { visibility: hidden !important; }',
  // A folio digit stamp (folios.ts Stamp): the digit centred in a figure-wide cell (1ch, the
  // folio font's 0), `place` cells in from the outer edge — tabular figures, as a folio set in a font with them.
  '.juan-furniture .pagedjs_margin-bottom-center .pagedjs_margin-content::after { display: inline-block !important; width: 1ch; text-align: center; }',
  '.juan-furniture .pagedjs_right_page .pagedjs_margin-bottom-center { padding-right: calc(var(--juan-folio-place, 0) * 1ch) !important; }',
  '.juan-furniture .pagedjs_left_page .pagedjs_margin-bottom-center { padding-left: calc(var(--juan-folio-place, 0) * 1ch) !important; }',
].join('\n');

/**
 * Runs in the tab (as source text: tsx would wrap a function with its __name helper, which the
 * page does not have), given [css, pages]: the bare-page styles, and (with `pages`) a run of
 * stamp pages (folios.ts Stamp), each a copy of a page of this tab with only the margin group it
 * prints (no type area; the sheet alone for the crop marks), on its side, with a folio, a
 * running head or the crop marks, set as the handlers and Paged.js set them on a laid-out page
 * (--juan-folio and the juan-running-title string on the margin groups, the juan-no-* classes);
 * the generated page styles do the rest.
 */
const FURNITURE_PAGES = `([css, pages]) => {
  if (!document.getElementById('juan-bare')) {
    const style = document.createElement('style');
    style.id = 'juan-bare';
    style.textContent = css;
    document.head.appendChild(style);
  }
  // Bare body pages print nothing outside their type area: their margin groups (the folio's and
  // running head's boxes, hidden above, and the empty ones Paged.js makes) and bleed boxes go
  // before printing, which restyles, lays out and paints every element again. Everything left
  // sits in the page's grids by explicit name, so the type area does not move. Once, after the
  // stamp template is copied from such a page.
  const strip = () => {
    for (const el of document.querySelectorAll('.juan-run:not([data-chunk="-1"]):not(.juan-furniture) .pagedjs_sheet > :not(.pagedjs_pagebox), .juan-run:not([data-chunk="-1"]):not(.juan-furniture) .pagedjs_pagebox > :not(.pagedjs_area)')) el.remove();
  };
  if (!pages) return strip();
  // A body page as a flow's template makes it, margin boxes included (laid-out body pages have none)
  const source = window.__juan.stampSource();
  if (!source) throw new Error('no page to copy the furniture pages from');
  // The same template whichever page it is copied from: only the page box, both margin boxes in use.
  const template = source.cloneNode(true);
  for (const el of template.querySelectorAll('.pagedjs_page_content, .pagedjs_footnote_area')) el.replaceChildren();
  for (const el of template.querySelectorAll('[id]')) el.removeAttribute('id');
  for (const el of template.querySelectorAll('.pagedjs_margin')) {
    el.classList.toggle('hasContent', el.classList.contains('pagedjs_margin-top-center') || el.classList.contains('pagedjs_margin-bottom-center'));
  }
  for (const el of template.querySelectorAll('.pagedjs_margin-top, .pagedjs_margin-bottom')) el.style.gridTemplateColumns = '0px 1fr 0px';
  for (const name of template.getAttributeNames()) if (name !== 'class') template.removeAttribute(name);
  // Each stamp keeps only the part of the page box it prints: printing styles and lays out every
  // element of the document three times over, and a whole empty page box per stamp was most of
  // what the stamps cost. The margin groups and the area sit in the page box's grid by name, and
  // a margin group's boxes in fixed columns: what is left stays where it was.
  const only = (keep) => {
    const t = template.cloneNode(true);
    for (const el of t.querySelectorAll('.pagedjs_area, .pagedjs_margin-left, .pagedjs_margin-right, .pagedjs_margin-top, .pagedjs_margin-bottom')) {
      if (!keep || !el.classList.contains(keep)) el.remove();
    }
    if (keep) {
      // and of its group only the centre box, in the column it had (the side boxes print nothing),
      // and none of the sheet's bleed boxes (the crop marks have their own stamp)
      for (const el of t.querySelectorAll('.' + keep + ' > .pagedjs_margin:not(.' + keep + '-center), .pagedjs_sheet > :not(.pagedjs_pagebox)')) el.remove();
      t.querySelector('.' + keep + '-center').style.gridColumn = '2';
    }
    return t;
  };
  const templates = { head: only('pagedjs_margin-top'), folio: only('pagedjs_margin-bottom'), marks: only(null) };
  const container = document.createElement('div');
  container.className = 'juan-run juan-furniture';
  container.dataset.chunk = 'furniture';
  const wrapper = document.createElement('div');
  wrapper.className = 'pagedjs_pages';
  for (const f of pages) {
    const page = templates[f.marks ? 'marks' : f.head != null ? 'head' : 'folio'].cloneNode(true);
    page.className = ['pagedjs_page', 'juan-body', f.side === 'r' ? 'pagedjs_right_page' : 'pagedjs_left_page', f.head == null ? 'juan-no-head' : '', f.folio ? '' : 'juan-no-folio', f.marks ? '' : 'juan-no-marks'].filter(Boolean).join(' ');
    // on the margin groups, as on a laid-out page
    window.__juan.setOnMargins(page, '--juan-folio', JSON.stringify(f.folio));
    window.__juan.setOnMargins(page, '--juan-folio-place', String(f.place || 0));
    window.__juan.setOnMargins(page, '--pagedjs-string-first-juan-running-title', JSON.stringify(f.head || ''));
    wrapper.appendChild(page);
  }
  container.appendChild(wrapper);
  document.body.appendChild(container);
  strip();
}`;
