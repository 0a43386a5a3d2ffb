// @ts-check
/*
 * Browser-side Paged.js handlers for juan's print build (plain JS, loaded after paged.js,
 * before the layout starts). Each class is named after the hook it implements.
 *
 * window.__juan is the tab's side of the protocol declared in protocol.ts (this file is
 * type-checked against it); layout-tab.ts is the Node side. Per run it collects
 *   pages    one entry per physical page: folio, printed, section, blank, and the text it starts with
 *   targets  part/chapter/paper id → { page, folio }
 * The Node side exposes window.__juanProgress(pagesSoFar) before the layout starts (called at
 * most ten times a second).
 *
 * Chunked layout (layout.ts): the book is laid out as several runs in one document (the front
 * matter, then groups of whole papers). A body run has <body data-juan-chunk="body">: it is
 * body from its first page, its folios count from 1 and are restamped by juan.stamp() once
 * the run's real first folio is known. A page holding only a `.juan-sentinel` (used to make
 * the front matter end on a verso) is not part of the book: it is not counted and juan.stamp()
 * removes it before printing.
 */
/* global Paged */
(function () {
  'use strict';

  const BLOCK_ID = /-b\d+$/;
  /** @type {import('./protocol.ts').JuanApi} */
  const juan = (window.__juan = /** @type {any} */ ({ pages: [], targets: {}, done: false, patches: { applied: [], skipped: [] } }));
  const stock = document.documentElement.hasAttribute('data-juan-stock-paged');
  let lastProgress = -Infinity;

  const ROMAN = [
    [1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'],
    [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i'],
  ];
  function roman(/** @type {number} */ n) {
    let out = '';
    for (const [value, letters] of /** @type {Array<[number, string]>} */ (ROMAN)) while (n >= value) { out += letters; n -= value; }
    return out;
  }
  function cssString(/** @type {string} */ s) {
    return '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  }
  function codePoints(/** @type {string} */ s) {
    let n = 0;
    for (const _ of s) n++; // eslint-disable-line no-unused-vars
    return n;
  }
  function idOf(/** @type {Element} */ el) {
    return el.getAttribute('id') || el.getAttribute('data-id') || '';
  }

  /**
   * After each page is laid out: classify it (front/body, blank, title, 目录, part, paper
   * first page), give it its folio (the one and only place folios are decided), hide
   * heads/folios where the book has none, note where its text starts, report progress.
   */
  class AfterPageLayoutFolios extends Paged.Handler {
    constructor(/** @type {unknown} */ chunker, /** @type {unknown} */ polisher, /** @type {unknown} */ caller) {
      super(chunker, polisher, caller);
      /** @type {'front' | 'body'} */
      this.section = document.body.dataset.juanChunk === 'body' ? 'body' : 'front';
      /** The group member the pages belong to (a blank page: the one before). */
      this.member = 0;
      this.frontCount = 0;
      this.bodyCount = 0;
      /** @type {Map<string, number>} data-ref of a block → code points laid out on earlier pages. */
      this.blockDone = new Map();
    }

    afterPageLayout(/** @type {HTMLElement} */ pageElement) {
      const content = pageElement.querySelector('.pagedjs_page_content');
      if (content && content.querySelector('.juan-sentinel')) {
        pageElement.classList.add('juan-drop');
        return;
      }
      const hasText = !!content && content.textContent.trim().length > 0;
      const blank = pageElement.classList.contains('pagedjs_blank_page') || !hasText;
      if (!blank && content.querySelector('.book-body')) this.section = 'body';
      const section = this.section;
      const folio = section === 'front' ? roman(++this.frontCount) : String(++this.bodyCount);
      const physical = juan.pages.length + 1;
      // The chunk of a group run this page belongs to; a blank page belongs to the page before.
      const marked = blank || !content ? null : /** @type {HTMLElement | null} */ (content.querySelector('[data-juan-member]'));
      if (marked) this.member = Number(marked.dataset.juanMember);

      const is = (/** @type {string} */ selector) => !blank && !!content && !!content.querySelector(selector);
      const titlePage = is('.title-page:not([data-split-from])');
      const tocPage = is('.toc');
      const partPage = is('.part-title:not([data-split-from])');
      const paperFirst = is('.paper:not([data-split-from])');
      const printed = !blank && !titlePage && !partPage;
      const head = section === 'body' && !blank && !partPage && !paperFirst;

      const classes = pageElement.classList;
      classes.add(section === 'front' ? 'juan-front' : 'juan-body');
      if (blank) classes.add('juan-blank');
      if (titlePage) classes.add('juan-title-page');
      if (tocPage) classes.add('juan-toc-page');
      if (partPage) classes.add('juan-part-page');
      if (paperFirst) classes.add('juan-paper-first');
      if (!head) classes.add('juan-no-head');
      if (!printed) classes.add('juan-no-folio');
      setOnMargins(pageElement, '--juan-folio', cssString(printed ? folio : ''));
      pageElement.dataset.juanFolio = folio;
      pageElement.dataset.juanMember = String(this.member || 0); // whose page it is when the run is saved (juan.savedPages)

      // Where the parts, chapters and papers start (first fragments keep their id).
      if (!blank) {
        for (const el of content.querySelectorAll('section.part[id], section.paper[id], h2.chapter-title[id]')) {
          if (!juan.targets[el.id]) juan.targets[el.id] = { page: physical, folio };
        }
      }

      // The text this page starts with: the first block (…-b<n>) or, on a part page or a
      // paper's first page, the part/paper itself; continuation fragments carry data-id.
      let start = null;
      if (!blank && section === 'body') {
        const candidates = /** @type {NodeListOf<HTMLElement>} */ (/** @type {Element} */ (content).querySelectorAll('[id], [data-id]'));
        for (const el of candidates) {
          const id = idOf(el);
          const split = el.hasAttribute('data-split-from');
          if (BLOCK_ID.test(id)) {
            start = { blockId: id, offset: split ? this.blockDone.get(el.dataset.ref || '') || 0 : 0 };
            break;
          }
          if (!split && (el.matches('section.paper') || el.matches('section.part'))) {
            start = { blockId: id, offset: 0 };
            break;
          }
        }
        for (const el of candidates) {
          if (!BLOCK_ID.test(idOf(el)) || !el.dataset.ref) continue;
          const ref = el.dataset.ref;
          this.blockDone.set(ref, (this.blockDone.get(ref) || 0) + codePoints(el.textContent || ''));
        }
      }

      juan.pages.push({ page: physical, member: this.member || 0, folio, printed, section, blank, start });
      // At most ten reports a second: each is a round trip to Node through the browser.
      const now = performance.now();
      if (typeof window.__juanProgress === 'function' && now - lastProgress >= 100) {
        lastProgress = now;
        try { window.__juanProgress(physical); } catch (e) { /* progress is best effort */ }
      }
    }
  }

  /**
   * The page's margin boxes are the only elements that read the folio and the running strings
   * (print.css @top-center / @bottom-center), but custom properties set on the page element
   * are inherited by every element of the page: each one set after a page is laid out made
   * Chromium recompute the style of the whole page (its text included) once more. Set on the
   * margin groups instead, only those few elements are restyled; what they print is the same.
   */
  const MARGIN_GROUP = /^pagedjs_margin-(top|bottom|left|right)$/;
  function marginGroups(/** @type {HTMLElement} */ pageElement) {
    const box = pageElement.querySelector('.pagedjs_pagebox');
    return /** @type {HTMLElement[]} */ (box ? Array.from(box.children).filter((el) => MARGIN_GROUP.test(el.className)) : []);
  }
  function setOnMargins(/** @type {HTMLElement} */ pageElement, /** @type {string} */ name, /** @type {string} */ value, priority = '') {
    for (const el of marginGroups(pageElement)) el.style.setProperty(name, value, priority);
  }
  // layout-tab.ts's stamp pages set their folio and head the same way
  juan.setOnMargins = setOnMargins;

  /**
   * After each page is laid out (after Paged.js's StringSets, which sets the running strings of
   * `string-set` on the page element): move them to the margin groups (setOnMargins), before
   * the page is next styled.
   */
  class AfterPageLayoutStringsOnMargins extends Paged.Handler {
    afterPageLayout(/** @type {HTMLElement} */ pageElement) {
      if (stock) return;
      for (const name of Array.from(pageElement.style)) {
        if (!name.startsWith('--pagedjs-string-')) continue;
        setOnMargins(pageElement, name, pageElement.style.getPropertyValue(name), pageElement.style.getPropertyPriority(name));
        pageElement.style.removeProperty(name);
      }
    }
  }

  /** After the run is laid out: runChunk hands its pages back (without this, the handlers did not run). */
  class AfterRenderedDone extends Paged.Handler {
    afterRendered() {
      juan.done = true;
    }
  }

  /**
   * Every use of Paged.js internals goes through `internals`. Its Page, Layout and Queue
   * classes are not exported: a handler reaches them through the instances its hooks get and
   * replaces one method of their prototype (or one field), once — and only when what is there
   * is what the replacement was written against: pagedjs 0.4.3 (package.json pins it), checked
   * by a fingerprint of the method's source. Otherwise stock Paged.js stays, with a debug note
   * in the browser log (--debug), and juan.patches says which were applied and which skipped.
   * `data-juan-stock-paged` on <html> leaves every replacement out (tests compare the two).
   */
  const internals = {
    /** @type {Map<Function, Function>} replacement → the method it replaced */
    replaced: new Map(),
    /** @type {Map<string, boolean>} patch name → applied */
    decided: new Map(),
    /** FNV-1a of a method's source text. */
    fingerprint(/** @type {Function} */ fn) {
      const text = Function.prototype.toString.call(fn);
      let h = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
      return (h >>> 0).toString(16).padStart(8, '0');
    },
    /** Whether patch `name` may replace what is there (`matches`: it is what the patch mirrors); decided (and noted) once per patch. */
    allowed(/** @type {string} */ name, /** @type {boolean} */ matches, evenInStock = false) {
      let ok = internals.decided.get(name);
      if (ok === undefined) {
        ok = (evenInStock || !stock) && matches;
        internals.decided.set(name, ok);
        (ok ? juan.patches.applied : juan.patches.skipped).push(name);
        if (!ok && !stock) console.debug(`juan: Paged.js ${name} is not the one juan's replacement mirrors; left stock`);
      }
      return ok;
    },
    /**
     * Replace method `name` of `instance`'s prototype by `replacement` when the method there
     * has `fingerprint`.
     * @param {object} instance @param {string} name @param {Function} replacement @param {string} fingerprint
     */
    replaceMethod(instance, name, replacement, fingerprint) {
      const proto = /** @type {Record<string, Function>} */ (Object.getPrototypeOf(instance));
      const original = proto[name];
      if (original === replacement || typeof original !== 'function') return;
      const label = `${instance.constructor.name}.${name}`;
      if (!internals.allowed(label, internals.fingerprint(original) === fingerprint)) return;
      internals.replaced.set(replacement, original);
      proto[name] = replacement;
    },
    /** The method `replacement` replaced, for the cases it leaves to Paged.js. */
    original(/** @type {Function} */ replacement) {
      return /** @type {Function} */ (internals.replaced.get(replacement));
    },
    /**
     * The chunker's task queue waits for an animation frame per page: `tick` is
     * requestAnimationFrame. Replaced in stock mode too: it decides when the next page is laid
     * out, not how, and a minimized window (our tabs) gets almost no frames.
     */
    replaceTick(/** @type {any} */ chunker, /** @type {(callback: () => void) => void} */ tick) {
      if (internals.allowed('Queue.tick', chunker.q.tick === window.requestAnimationFrame, true)) chunker.q.tick = tick;
    },
    /** Leave Paged.js's Footnotes handler out of every flow (registered by name). */
    dropHandler(/** @type {string} */ name) {
      const handlers = /** @type {Array<{name: string}>} */ (Paged.registeredHandlers);
      const at = handlers.findIndex((handler) => handler.name === name);
      if (internals.allowed(`drop ${name}`, at >= 0)) handlers.splice(at, 1);
    },
    /** The page template every page of the flow is cloned from (Chunker.pageTemplate). */
    pageTemplate(/** @type {any} */ chunker) {
      return internals.allowed('Chunker.pageTemplate', chunker.pageTemplate instanceof HTMLTemplateElement) ? /** @type {HTMLTemplateElement} */ (chunker.pageTemplate) : null;
    },
    /** The document's stylesheets as Paged.js reads them (Previewer.removeStyles), read once for every run. */
    readStyles() {
      return Paged.Previewer.prototype.removeStyles.call(null, document);
    },
    /** The <style> elements a flow's Polisher added (each run adds an identical copy). */
    addedStyles(/** @type {any} */ previewer) {
      const polisher = previewer.polisher;
      return /** @type {Array<Element | undefined>} */ ([polisher.base, polisher.styleEl, ...(polisher.inserted || [])]);
    },
  };

  /**
   * Before the first page is laid out: stop Paged.js watching pages for resizes. Each page's
   * ResizeObserver forces a layout when it is added and re-flows the page when its size
   * changes — for live previews, where images load late. Our pages are final when laid out
   * (fonts are loaded first, there are no images); the watching cost ~2 ms a page.
   */
  class BeforePageLayoutNoResizeWatch extends Paged.Handler {
    beforePageLayout(/** @type {object} */ page) {
      internals.replaceMethod(page, 'addListeners', noListeners, '7c30c463');
    }
  }
  function noListeners() {
    return true;
  }

  /**
   * Before the content is parsed: let Paged.js lay out its next page in the next task instead
   * of the next animation frame. Its queue waits for a frame per page (for live previews);
   * a frame renders and paints the whole document first, and our tabs are minimized windows
   * (browser.ts), whose frames Chromium throttles to a few a second.
   */
  class BeforeParsedNextTask extends Paged.Handler {
    beforeParsed(/** @type {unknown} */ content, /** @type {unknown} */ chunker) {
      internals.replaceTick(chunker, nextTask);
    }
  }
  const tickChannel = new MessageChannel();
  /** @type {Array<() => void>} */
  const ticks = [];
  tickChannel.port1.onmessage = () => /** @type {() => void} */ (ticks.shift())();
  function nextTask(/** @type {() => void} */ callback) {
    ticks.push(callback);
    tickChannel.port2.postMessage(null);
  }

  /**
   * After the content is parsed (and the flow set up): take out of Paged.js's page template the boxes our pages
   * never show — 35 of a page's ~80 elements, cloned, styled and printed with every page:
   * the bleed areas with their crop marks (unless print-ready), the four corner margin boxes
   * (print.css gives them no content and hides them) and the footnote area (no footnotes,
   * see below; a book with notes keeps it: content-handlers.js).
   */
  class AfterParsedSlimPageTemplate extends Paged.Handler {
    afterParsed(/** @type {unknown} */ parsed, /** @type {any} */ chunker) {
      const template = internals.pageTemplate(chunker);
      if (!template) return;
      // the footnote area stays for a book with notes (content-handlers.js sets juanKeepFootnotes)
      slimPage(template.content, !!chunker.juanKeepFootnotes);
      // Body pages are printed bare (layout-tab.ts): their margin boxes (running head, folio)
      // are never printed, and every page cloned, styled and laid out them all the same — ~14
      // of a page's ~25 elements; the 1× bench volume's Paged.js style CPU fell by a third
      // (trace). The stamp pages, which print them, are copied from juan.stampSource().
      // (Only when AtPage.finalizePage is ours: Paged.js's would look for them on every page.)
      if (document.body.dataset.juanChunk !== 'body' || internals.decided.get('AtPage.finalizePage') !== true) return;
      for (const el of Array.from(template.content.querySelectorAll('.pagedjs_margin-top, .pagedjs_margin-bottom, .pagedjs_margin-left, .pagedjs_margin-right'))) el.remove();
    }
  }
  /** Take the boxes our pages never show out of a page template (see above). */
  function slimPage(/** @type {DocumentFragment} */ content, /** @type {boolean} */ keepFootnotes) {
    const unused = ['[class$="-corner-holder"]', ...(keepFootnotes ? [] : ['.pagedjs_footnote_area'])];
    if (!document.documentElement.hasAttribute('data-juan-print-ready')) unused.push('.pagedjs_bleed');
    for (const el of Array.from(content.querySelectorAll(unused.join(',')))) el.remove();
  }
  /**
   * A body page as a flow's template makes it, margin boxes included: what the stamp pages are
   * copied from (layout-tab.ts). From Paged.js's own page template, not from a laid-out page —
   * body pages have no margin boxes, and a tab may hold none laid out at all (pages put back
   * from the cache: juan.adopt).
   */
  juan.stampSource = function stampSource() {
    const chunker = new Paged.Chunker();
    chunker.setup(document.createElement('div'));
    const template = chunker.pageTemplate;
    if (!(template instanceof HTMLTemplateElement)) return null;
    if (!stock) slimPage(template.content, false); // as a stock flow's pages are not
    return template.content.firstElementChild;
  };

  /**
   * Before each page is laid out: how many characters the page takes before Paged.js starts to
   * measure it for overflow. From `maxChars` characters on it measures after every node it adds
   * (a forced style and layout each). It records the length of the last four pages
   * (Chunker.charsPerBreak) to set `maxChars` from, but Page.layout writes the value only once into
   * the settings all pages share: a flow's `maxChars` stayed the length of its first page, and a flow
   * opening with a short page (a 篇 title, 80 characters) measured every page after every node from
   * its first line — a table page after every cell, 200 times. The longest of those four is used,
   * set anew for each page: a page holds about as much as the fuller ones before it; one that holds
   * less is measured once with some text past its end, which Paged.js cuts as it does any overflow.
   */
  class BeforePageLayoutCharsPerPage extends Paged.Handler {
    beforePageLayout(/** @type {unknown} */ page, /** @type {unknown} */ content, /** @type {unknown} */ breakToken, /** @type {any} */ chunker) {
      const recent = chunker.charsPerBreak;
      if (!internals.allowed('Layout.maxChars', !!chunker.settings && Array.isArray(recent))) return;
      if (recent.length) chunker.settings.maxChars = Math.max(...recent);
    }
  }
  /**
   * When Paged.js measured a page and found it not full: measure next once a tenth more text is
   * on it, not after every node (a page of small type — a table of 小五 rows — holds more than the
   * pages before it and was measured after every cell, 70 times).
   */
  class OnOverflowMeasureLater extends Paged.Handler {
    onOverflow(/** @type {Range | undefined} */ overflow, /** @type {Element} */ rendered, /** @type {unknown} */ bounds, /** @type {any} */ layout) {
      if (overflow || !rendered || !layout || typeof layout.maxChars !== 'number' || !internals.decided.get('Layout.maxChars')) return;
      layout.maxChars = Math.ceil((rendered.textContent || '').length * 1.1);
    }
  }

  /**
   * Before each page is laid out: Paged.js measures every new page's content area (a forced
   * style and layout of the document) before the page has its left/right or named class, so
   * the answer is the same for every page of a flow but the first. The second page's is
   * measured and reused from the third on.
   */
  const areaSizes = new WeakMap();
  class BeforePageLayoutKnownAreaSize extends Paged.Handler {
    beforePageLayout(/** @type {object} */ page) {
      internals.replaceMethod(page, 'create', createWithKnownSize, '520a99fa');
    }
  }
  /** @this {any} @param {unknown} template @param {Element | undefined} after @returns {Element} */
  function createWithKnownSize(template, after) {
    const known = areaSizes.get(this.pagesArea);
    if (!known) {
      const element = internals.original(createWithKnownSize).call(this, template, after);
      // The first page may match :first-child rules: measure the second.
      if (after) areaSizes.set(this.pagesArea, { width: this.width, height: this.height, columnWidth: this.area.style.columnWidth, columnGap: this.area.style.columnGap });
      return element;
    }
    // Paged.js's Page.create without the measuring (pagedjs 0.4.3 src/chunker/page.js).
    const clone = document.importNode(this.pageTemplate.content, true);
    let page;
    if (after) {
      this.pagesArea.insertBefore(clone, after.nextElementSibling);
      page = after.nextElementSibling;
    } else {
      this.pagesArea.appendChild(clone);
      page = this.pagesArea.lastElementChild;
    }
    const area = page.querySelector('.pagedjs_page_content');
    area.style.columnWidth = known.columnWidth;
    area.style.columnGap = known.columnGap;
    this.width = known.width;
    this.height = known.height;
    this.element = page;
    this.pagebox = page.querySelector('.pagedjs_pagebox');
    this.area = area;
    this.footnotesArea = page.querySelector('.pagedjs_footnote_area');
    return page;
  }

  /**
   * Before each page is laid out: Paged.js's Layout measures the page's content area as it is
   * made — its box, its parent's box and its column gap, a forced style and layout of the
   * document before anything is on the page — and the first overflow check forces another one
   * with the content. The area is measured on first use instead, in that second one.
   */
  class BeforePageLayoutLazyAreaBounds extends Paged.Handler {
    beforePageLayout(/** @type {object} */ page) {
      internals.replaceMethod(page, 'layout', layoutWithLazyBounds, 'a865b0d3');
    }
  }
  /** @type {any} Paged.js's Layout class (not exported: taken from the first page's layout) */
  let LayoutClass = null;
  /** @this {any} @param {unknown} contents @param {unknown} breakToken @param {number | undefined} maxChars */
  async function layoutWithLazyBounds(contents, breakToken, maxChars) {
    if (!LayoutClass) {
      const result = await internals.original(layoutWithLazyBounds).call(this, contents, breakToken, maxChars);
      const found = this.layoutMethod && this.layoutMethod.constructor;
      if (found && internals.allowed('Layout.constructor', internals.fingerprint(found) === 'c0ec8e9c')) LayoutClass = found;
      return result;
    }
    // Paged.js's Page.layout (pagedjs 0.4.3 src/chunker/page.js) with its Layout constructor inlined, without the measuring.
    this.clear();
    this.startToken = breakToken;
    const settings = this.settings;
    if (!settings.maxChars && maxChars) settings.maxChars = maxChars;
    const layout = Object.create(LayoutClass.prototype);
    const area = /** @type {HTMLElement} */ (this.area);
    layout.element = area;
    layout.bounds = lazyRect(area);
    let gap = /** @type {number | null} */ (null);
    Object.defineProperty(layout, 'gap', {
      configurable: true,
      enumerable: true,
      get() {
        if (gap === null) {
          const columnGap = parseFloat(window.getComputedStyle(area).columnGap);
          gap = columnGap ? columnGap - (layout.bounds.left - /** @type {HTMLElement} */ (area.offsetParent).getBoundingClientRect().left) : 0;
        }
        return gap;
      },
    });
    layout.hooks = this.hooks;
    layout.settings = settings || {};
    layout.maxChars = layout.settings.maxChars || 1500;
    layout.forceRenderBreak = false;
    this.layoutMethod = layout;
    const renderResult = await layout.renderTo(this.wrapper, contents, breakToken);
    const newBreakToken = renderResult.breakToken;
    this.addListeners(contents);
    this.endToken = newBreakToken;
    return newBreakToken;
  }
  /** A box whose edges are read from `element` when one is first asked for. */
  function lazyRect(/** @type {Element} */ element) {
    /** @type {DOMRect | null} */
    let rect = null;
    const measured = () => (rect ??= element.getBoundingClientRect());
    return {
      get x() { return measured().x; },
      get y() { return measured().y; },
      get left() { return measured().left; },
      get right() { return measured().right; },
      get top() { return measured().top; },
      get bottom() { return measured().bottom; },
      get width() { return measured().width; },
      get height() { return measured().height; },
    };
  }

  /**
   * When a page ends inside a text node, Paged.js's break token gives the offset in the source
   * text as the offset on the page plus where the page's piece starts in the source, found by
   * `indexOf` (Layout.createBreakToken): a piece that also occurs earlier in the paragraph — a
   * repeated sentence, a long run of 「…」 or 「—」 — is placed at that first occurrence, and the next
   * page prints again what this one did (a paragraph of one sentence 60 times printed 713
   * characters twice). A page's first text piece is the rest of its source node (Paged.js starts
   * it at the last break), so it starts at `source length − piece length`.
   */
  class OnBreakTokenSuffixOffset extends Paged.Handler {
    onBreakToken(/** @type {any} */ token, /** @type {Range | undefined} */ overflow) {
      const piece = overflow && overflow.startContainer;
      const source = token && token.node;
      if (!piece || piece.nodeType !== 3 || !source || source.nodeType !== 3) return;
      const text = source.textContent || '';
      const rest = piece.textContent || '';
      if (!rest || !text.endsWith(rest)) return;
      const offset = text.length - rest.length + overflow.startOffset;
      if (offset === token.offset) return;
      return new token.constructor(source, offset);
    }
  }

  /**
   * After a page is laid out: Paged.js finds where a text node leaves the page by measuring
   * its characters one by one from the start of the word that crosses the edge — in Chinese,
   * with no spaces, from the start of the paragraph: hundreds of measurements a page. The
   * characters after the edge are all past it (the overflow goes on in the next column), so a
   * binary search finds the same character in a few; where a character has no box at all
   * (collapsed white space) the search cannot tell, and Paged.js's own scan is used.
   */
  class AfterPageLayoutBinaryTextBreak extends Paged.Handler {
    afterPageLayout(/** @type {unknown} */ pageElement, /** @type {any} */ page) {
      if (page.layoutMethod) internals.replaceMethod(page.layoutMethod, 'textBreak', binaryTextBreak, 'd8788168');
    }
  }
  const WORD_CHAR = /[\S\u202F\u00A0]/;
  /** Paged.js's Layout.textBreak (pagedjs 0.4.3 src/chunker/layout.js), with a binary search for the letter scan. */
  /** @this {unknown} @param {Text} node @param {number} start @param {number} end @param {number} vStart @param {number} vEnd @returns {number | undefined} */
  function binaryTextBreak(node, start, end, vStart, vEnd) {
    const text = node.nodeValue || '';
    const max = text.length;
    const past = (/** @type {DOMRect} */ rect) => Math.floor(rect.left) >= end || Math.floor(rect.top) >= vEnd;
    const range = document.createRange();
    const rectOf = (/** @type {number} */ from, /** @type {number} */ to) => {
      range.setStart(node, from);
      range.setEnd(node, to);
      return range.getBoundingClientRect();
    };
    if (node.parentElement && node.parentElement.nodeName === 'PRE') return internals.original(binaryTextBreak).call(this, node, start, end, vStart, vEnd);
    let at = 0;
    while (at < max) {
      while (at < max && !WORD_CHAR.test(text[at])) at++;
      if (at >= max) break;
      let wordEnd = at;
      while (wordEnd < max && WORD_CHAR.test(text[wordEnd])) wordEnd++;
      const word = rectOf(at, wordEnd);
      if (past(word)) return at;
      if (Math.floor(word.right) > end || Math.floor(word.bottom) > vEnd) {
        // Like Paged.js: the first letter from the word's start to the node's end that is past.
        let lo = at;
        let hi = max;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          const letter = rectOf(mid, mid + 1);
          if (letter.width === 0 && letter.height === 0) return internals.original(binaryTextBreak).call(this, node, start, end, vStart, vEnd);
          if (past(letter)) hi = mid;
          else lo = mid + 1;
        }
        if (lo < max) return lo;
      }
      at = wordEnd;
    }
    return undefined;
  }

  /**
   * After a page is laid out: Paged.js cuts what overflows it with Range.extractContents,
   * which builds a fragment of the removed content (cloning the cut elements) for the
   * afterOverflowRemoved hook — only its Footnotes handler listens, and it is left out (below).
   * With no listener the content is deleted instead: the page is the same, no copy is made.
   */
  class AfterPageLayoutDeleteOverflow extends Paged.Handler {
    afterPageLayout(/** @type {unknown} */ pageElement, /** @type {any} */ page) {
      if (page.layoutMethod) internals.replaceMethod(page.layoutMethod, 'removeOverflow', deleteOverflow, '71615345');
    }
  }
  /** Paged.js's Layout.removeOverflow (pagedjs 0.4.3 src/chunker/layout.js) without the fragment nobody reads. */
  /** @this {any} @param {Range} overflow @param {unknown} breakLetter @returns {undefined} */
  function deleteOverflow(overflow, breakLetter) {
    const listened = this.hooks && this.hooks.afterOverflowRemoved && this.hooks.afterOverflowRemoved.hooks.length > 0;
    if (listened) return internals.original(deleteOverflow).call(this, overflow, breakLetter);
    const { startContainer } = overflow;
    overflow.deleteContents();
    this.hyphenateAtBreak(startContainer, breakLetter);
    return undefined;
  }

  /**
   * As each page's layout starts: no hyphen where a page breaks inside a word. Paged.js adds one
   * (U+2011) when the last character on the page and the first on the next are letters, digits or
   * `_` — for a text broken between lines by hyphenation. Chromium breaks our lines inside a word
   * only in a web address or code (codeBreaks' <wbr>, `overflow-wrap: anywhere`), which a hyphen
   * would change: `…Leaderboard_‑` / `Motivating…` (kaiyuanshe-2023-data's reference address).
   */
  class OnPageLayoutNoHyphenAtBreak extends Paged.Handler {
    onPageLayout(/** @type {unknown} */ wrapper, /** @type {unknown} */ breakToken, /** @type {object} */ layout) {
      if (layout) internals.replaceMethod(layout, 'hyphenateAtBreak', noHyphenAtBreak, '0b5af7a4');
    }
  }
  function noHyphenAtBreak() {
    return undefined;
  }

  /*
   * After each page, Paged.js's AtPage.finalizePage sizes the page's margin boxes by which have
   * content — getComputedStyle and offsetWidth on them, a forced style recalc and layout per
   * page (~250 ms of a tab's JS samples on the 1× bench volume). Body pages are printed bare
   * and laid out without margin groups (AfterParsedSlimPageTemplate); the stamp pages set their
   * margin boxes' content flags and columns themselves (layout-tab.ts). Only the front matter
   * prints its own margin boxes, so only its pages are finalized.
   */
  const AtPage = /** @type {Array<{name: string, prototype: object}>} */ (Paged.registeredHandlers).find((handler) => handler.name === 'AtPage');
  if (AtPage) {
    const atPage = Object.create(AtPage.prototype);
    internals.replaceMethod(atPage, 'finalizePage', finalizeFrontPagesOnly, '34c4e497');
  }
  /** @this {unknown} @param {unknown[]} args */
  function finalizeFrontPagesOnly(...args) {
    if (document.body.dataset.juanChunk === 'body') return undefined;
    return internals.original(finalizeFrontPagesOnly).apply(this, args);
  }

  // Paged.js's Footnotes handler measures every page's footnote area: three forced layouts a
  // page, ~5 % of a tab's layout time in a CPU profile. It is left out of every flow;
  // content-handlers.js (loaded first) keeps a reference and creates it for a book with notes.
  internals.dropHandler('Footnotes');

  Paged.registerHandlers(
    BeforeParsedNextTask, AfterParsedSlimPageTemplate, BeforePageLayoutNoResizeWatch, BeforePageLayoutKnownAreaSize, BeforePageLayoutLazyAreaBounds, BeforePageLayoutCharsPerPage, OnOverflowMeasureLater, OnPageLayoutNoHyphenAtBreak,
    AfterPageLayoutBinaryTextBreak, OnBreakTokenSuffixOffset, AfterPageLayoutDeleteOverflow, AfterPageLayoutFolios, AfterPageLayoutStringsOnMargins, AfterRenderedDone,
  );

  /**
   * Lay out one chunk — or a group of consecutive chunks, each its <body> content as HTML — in
   * this tab's document, in a container of its own after the chunks laid out before. The
   * elements of group member k carry data-juan-member=k, so every page records whose it is.
   * Earlier chunks are hidden meanwhile, so the layout of this one never touches them; the
   * stylesheets are read once and given to every run; each run's own copy of the (identical)
   * generated styles is removed after it, except the first run's, which styles all pages (with
   * those of the pages adopted before it, if any). The front matter keeps its own even when laid
   * out after others (its 目录 changed): they name its forced breaks (random ids), and without
   * them Chromium prints the 目录 with the same look but its text in another order.
   */
  /** A Paged.js run's generated styles are in the document (adopted pages' styles do not count: a run keeps its own). */
  let styled = false;
  /** @type {unknown} */
  let sheets = null;
  /** @type {string[] | null} The styles Paged.js generated in this tab's first run, which style every page in it (juan.savedPages). */
  let tabStyles = null;
  juan.runChunk = async function runChunk(index, htmls, kind) {
    if (!sheets) sheets = internals.readStyles();
    juan.show(index); // hides the chunks before it: this one's container is not there yet
    const container = document.createElement('div');
    container.className = 'juan-run';
    container.dataset.chunk = String(index);
    document.body.appendChild(container);
    const template = document.createElement('template');
    htmls.forEach((html, k) => {
      const part = document.createElement('template');
      part.innerHTML = html;
      if (htmls.length > 1) for (const el of /** @type {HTMLElement[]} */ (Array.from(part.content.children))) el.dataset.juanMember = String(k);
      template.content.appendChild(part.content);
    });
    const sourceChars = visibleChars(template.content);
    document.body.dataset.juanChunk = kind;
    juan.pages = [];
    juan.targets = {};
    juan.done = false;
    // Every face loaded before the chunk's content enters the document: Paged.js loads them only
    // after parsing it, and text styled meanwhile kept a fallback font for its spaces
    // (LiberationSans in the PDF) — seen on each tab's first chunk.
    await Promise.all(/** @type {FontFace[]} */ (Array.from(/** @type {any} */ (document.fonts))).map((f) => f.load()));
    const previewer = new Paged.Previewer();
    const flow = await previewer.preview(template.content, sheets, container);
    const added = [...new Set(internals.addedStyles(previewer))].filter((el) => !!el);
    if (styled && kind !== 'front') {
      for (const el of added) el.remove();
    } else if (!styled) {
      styled = true;
      tabStyles ??= added.map((el) => styleText(/** @type {HTMLStyleElement} */ (el)));
    }
    if (!juan.done) return null;
    // Paged.js cannot break a text node with no break opportunity longer than a page (a huge
    // paragraph without punctuation): it gives up ("Layout repeated") and drops the rest. Count
    // what reached the pages, so the build fails instead of losing text.
    const pages = flow.pages.filter((p) => !p.element.classList.contains('juan-drop'));
    const clipped = { chars: 0, pages: /** @type {number[]} */ ([]) };
    pages.forEach((page, i) => {
      const chars = clippedChars(page.area);
      if (chars) (clipped.chars += chars), clipped.pages.push(i + 1);
    });
    const laid = pages.reduce((n, page) => n + visibleChars(page.area) + (page.footnotesArea ? visibleChars(page.footnotesArea) : 0), 0) - clipped.chars; // notes: content-handlers.js
    return {
      layout: { pages: juan.pages, targets: juan.targets },
      check: { lostChars: sourceChars - laid, clipped, unrecorded: pages.length - juan.pages.length },
    };
  };

  /** A generated <style>'s rules: Paged.js's handlers add some through its CSSOM (insertRule), which its text does not show. */
  function styleText(/** @type {HTMLStyleElement} */ el) {
    try {
      if (el.sheet) return Array.from(el.sheet.cssRules, (r) => r.cssText).join('\n');
    } catch (e) { /* no CSSOM access: its text */ }
    return el.textContent || '';
  }

  /**
   * The pages of run `index` as laid out (before juan.stamp), per group member: each chunk's
   * pages are cached with its layout, so that a chunk that only moved to another first folio is
   * printed again without a layout (juan.adopt). Also the tab's generated styles they need.
   */
  juan.savedPages = function savedPages(index, count, withStyles) {
    const container = /** @type {HTMLElement} */ (document.querySelector('.juan-run[data-chunk="' + index + '"]'));
    const wrapper = /** @type {HTMLElement} */ (container.firstElementChild);
    const open = /** @type {HTMLElement} */ (wrapper.cloneNode(false)).outerHTML.replace(/<\/div>$/, '');
    /** @type {string[][]} */
    const parts = Array.from({ length: count }, () => []);
    for (const el of /** @type {HTMLElement[]} */ (Array.from(wrapper.children))) {
      if (!el.classList.contains('pagedjs_page') || el.classList.contains('juan-drop')) continue;
      // Paged.js sets its named strings (running heads) as custom properties with an unclosed
      // quote ("text): fine set one by one, but the serialized style attribute does not parse
      // back. The page's inline style goes along as JSON, set property by property (juan.adopt).
      // (The margin groups carry them: setOnMargins.)
      const styled = [el, ...marginGroups(el)];
      for (const e of styled) e.dataset.juanStyle = JSON.stringify(Array.from(e.style, (name) => [name, e.style.getPropertyValue(name), e.style.getPropertyPriority(name)]));
      parts[Number(el.dataset.juanMember || 0)].push(el.outerHTML);
      for (const e of styled) delete e.dataset.juanStyle;
    }
    return { styles: withStyles ? tabStyles || [] : null, html: parts.map((p) => open + p.join('') + '</div>') };
  };

  /**
   * Put a chunk's saved pages (juan.savedPages) into this document as run `index`, hidden until
   * printing, without Paged.js: they are final but for their folios and side (juan.stamp).
   * `styles`: the generated styles, given when no run has styled this tab yet; the shell's own
   * stylesheets are taken out then, as a run does (Paged.js replaces them by what it generates).
   */
  juan.adopt = function adopt(index, html, styles) {
    if (!sheets) sheets = internals.readStyles();
    if (styles) {
      for (const text of styles) {
        const el = document.createElement('style');
        el.setAttribute('data-pagedjs-inserted-styles', 'true');
        el.textContent = text;
        document.head.appendChild(el);
      }
      tabStyles = styles;
    }
    const container = document.createElement('div');
    container.className = 'juan-run';
    container.dataset.chunk = String(index);
    container.style.display = 'none';
    container.innerHTML = html;
    for (const el of /** @type {HTMLElement[]} */ (Array.from(container.querySelectorAll('.pagedjs_page [data-juan-style], .pagedjs_page[data-juan-style]')))) {
      el.removeAttribute('style');
      for (const [name, value, priority] of /** @type {string[][]} */ (JSON.parse(el.dataset.juanStyle || '[]'))) el.style.setProperty(name, value, priority);
      delete el.dataset.juanStyle;
    }
    document.body.appendChild(container);
    return container.querySelectorAll('.pagedjs_page').length;
  };

  /**
   * Text a page holds that Chromium put past its type area: Paged.js lays a page out in columns and
   * cuts what reaches the next one, but content that grows after it was measured (a table's last row
   * took 1.2 pt more when it became the last again) moves there unseen — clipped, never printed.
   * Only a page whose content area overflows is searched.
   */
  function clippedChars(/** @type {Element} */ area) {
    if (area.scrollWidth <= area.clientWidth + 1) return 0;
    const right = area.getBoundingClientRect().right;
    const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let n = 0;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const chars = (t.nodeValue || '').replace(/\s+/g, '').length;
      if (!chars) continue;
      range.selectNodeContents(t);
      // boxes with no width are no ink: KaTeX's zero-width spaces (vlist-s) sit at the measure's edge
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0.5);
      if (rects.length && rects.every((r) => r.left >= right + 1)) n += chars;
    }
    return n;
  }

  function visibleChars(/** @type {Node} */ node) {
    let n = (node.textContent || '').replace(/\s+/g, '').length;
    // 续表's repeated header row and caption (content-handlers.js) are printed twice on purpose: counted, they hid lost text
    for (const el of /** @type {Element} */ (node).querySelectorAll ? Array.from(/** @type {Element} */ (node).querySelectorAll('.juan-repeated, .juan-continued')) : []) n -= (el.textContent || '').replace(/\s+/g, '').length;
    return n;
  }

  /**
   * Show chunk `index` alone (what is measured then is laid out alone), or with index null
   * every chunk again, before printing. (Letting print media show them instead, without this
   * screen layout, made printing slower by more than this step takes: the print layout reuses
   * much of the screen one.)
   */
  juan.show = function show(index) {
    for (const run of Array.from(document.querySelectorAll(/** @type {'div'} */ ('.juan-run')))) {
      run.style.display = index == null || run.dataset.chunk === String(index) ? '' : 'none';
    }
  };

  /**
   * A run starts on a recto with folio 1 (an adopted chunk: on the side it was laid out on).
   * Once its real first folio is known: renumber its pages from it and, when its first page is
   * on the wrong side, turn every page to the other side — the type area keeps its width (mirrored margins), so the
   * text stays where it is, and both sides use the same margin boxes (print.css), so the page
   * classes alone switch the margins, the running head and the folio's edge. Pages marked
   * juan-drop (sentinels) are removed. `list`: [[index, firstFolio], …] → their page counts;
   * firstFolio null: the front matter, which keeps its own (roman) folios.
   */
  juan.stamp = function stamp(list) {
    return list.map(([index, firstFolio]) => {
      const container = /** @type {HTMLElement} */ (document.querySelector('.juan-run[data-chunk="' + index + '"]'));
      for (const el of Array.from(container.querySelectorAll('.pagedjs_page.juan-drop'))) el.remove();
      // the run's pages, laid out here or adopted (juan.adopt)
      const pages = /** @type {HTMLElement[]} */ (Array.from(container.querySelectorAll('.pagedjs_page')));
      if (firstFolio == null) return pages.length;
      // A run starts on a recto; an adopted chunk may have been laid out after another in a group, from a verso.
      const flip = pages.length > 0 && pages[0].classList.contains('pagedjs_right_page') !== (firstFolio % 2 === 1);
      let n = firstFolio;
      for (const el of pages) {
        const folio = String(n++);
        el.dataset.juanFolio = folio;
        setOnMargins(el, '--juan-folio', cssString(el.classList.contains('juan-no-folio') ? '' : folio));
        if (!flip) continue;
        const left = el.classList.contains('pagedjs_left_page');
        el.classList.toggle('pagedjs_left_page', !left);
        el.classList.toggle('pagedjs_right_page', left);
      }
      return pages.length;
    });
  };

  /**
   * The fonts, given once the subsets are made (the shell loads without them): the CSS, and the
   * faces whose files come in one bundle (font-bundle.ts), each a FontFace made from its bytes and
   * loaded before the first layout.
   */
  juan.setFonts = async function setFonts({ css, faces, bundle }) {
    /** @type {HTMLElement} */ (document.getElementById('juan-fonts')).textContent = css;
    if (!faces.length) return;
    const data = await (await fetch(bundle)).arrayBuffer();
    await Promise.all(
      faces.map((f) => {
        const face = new FontFace(f.family, new Uint8Array(data, f.from, f.to - f.from), /** @type {FontFaceDescriptors} */ (f.descriptors));
        document.fonts.add(face);
        return face.load();
      }),
    );
  };

  /**
   * Fill the 目录's page numbers (labels computed on the Node side from the page map).
   * The slots have a fixed width; we check that no 目录 line changed height or overflowed.
   */
  juan.fillToc = function fillToc(labels) {
    const slots = /** @type {HTMLElement[]} */ (Array.from(document.querySelectorAll('.pagedjs_page .toc-page[data-target]')));
    const lines = Array.from(document.querySelectorAll('.pagedjs_page .toc-list > li'));
    const before = lines.map((li) => li.getBoundingClientRect().height);
    /** @type {string[]} */
    const missing = [];
    for (const slot of slots) {
      const target = slot.dataset.target || '';
      const label = labels[target];
      if (label == null) missing.push(target);
      else slot.textContent = label;
    }
    const changed = lines.filter((li, i) => Math.abs(li.getBoundingClientRect().height - before[i]) > 0.5).length;
    const overflowing = slots.filter((s) => s.scrollWidth > s.clientWidth + 0.5).map((s) => s.dataset.target || '');
    return { filled: slots.length - missing.length, missing, changed, overflowing };
  };

  /** The 目录's link boxes on the front matter's pages (the 目录 points at pages of other documents: merge.ts makes the links). */
  juan.tocLinks = function tocLinks() {
    /** @type {import('./protocol.ts').TocLink[]} */
    const out = [];
    Array.from(document.querySelectorAll('.juan-run[data-chunk="-1"] .pagedjs_page')).forEach((pg, page) => {
      const box = pg.getBoundingClientRect();
      for (const a of Array.from(pg.querySelectorAll('a.toc-link[href^="#"]'))) {
        for (const r of Array.from(a.getClientRects())) {
          out.push({ page, id: /** @type {string} */ (a.getAttribute('href')).slice(1), x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height, pageWidth: box.width });
        }
      }
    });
    return out;
  };
})();
