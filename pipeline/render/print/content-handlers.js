/*
 * Browser-side Paged.js handlers for paper content (pipeline/render/content/), loaded before
 * paged-handlers.js (which takes Paged.js's Footnotes handler out; we keep a reference).
 *
 * Tables. Paged.js 0.4.3 splits a table between rows (content.css keeps rows and
 * cells whole) but the continuation is a bare clone of the table and its tbody — no header, no
 * caption (pagedjs issues: "repeat table header"; rebuildAncestors in src/utils/dom.js clones
 * ancestors only). So when the first row of a continuation is rendered, the header row and a
 * 「续表N」 caption are put into the cloned table, before the page is measured.
 */
/* global Paged */
(function () {
  'use strict';

  function withoutRefs(el) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      e.removeAttribute('data-ref');
      e.removeAttribute('id');
    }
    return el;
  }

  /*
   * Column widths. Each part of a split table is a table of its own, and Chromium's auto layout
   * sizes a table by the rows it has: a continuation with longer cells came out wider than the
   * first part, its columns elsewhere. So when a table is first rendered, the whole table is laid
   * out once, hidden, at the width it is rendered in; its width and its columns' widths (the header
   * cells) are written on the source table and header cells, with `table-layout: fixed`. Every
   * part is cloned from those (Paged.js's rebuildAncestors for the table, the header copy below):
   * all parts are as wide as the whole table would be, their columns in the same places.
   */
  function fixColumns(clone, node) {
    if (node.hasAttribute('data-juan-cols') || !node.classList.contains('juan-table')) return;
    const host = clone.parentElement;
    if (!host) return;
    const probe = document.createElement('div');
    probe.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden;width:' + host.getBoundingClientRect().width + 'px';
    const whole = withoutRefs(node.cloneNode(true));
    probe.appendChild(whole);
    host.appendChild(probe);
    // the type area's width (the host may be wider while the page is being filled: the communiqué's 表13 came out 552 px on a 532 px measure)
    const measure = parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--juan-measure'));
    const room = Math.min(host.getBoundingClientRect().width, measure || Infinity);
    // a table narrower than its caption on one line is widened to it (as far as the type area allows):
    // 「表2 …」 over a narrow table otherwise wraps into a column of its own width
    const caption = whole.querySelector(':scope > caption');
    if (caption) {
      const line = document.createElement('span');
      line.style.whiteSpace = 'nowrap';
      line.textContent = caption.textContent;
      caption.appendChild(line);
      const wanted = Math.ceil(line.getBoundingClientRect().width) + 1;
      line.remove();
      if (wanted > whole.getBoundingClientRect().width && wanted <= room) whole.style.minWidth = wanted + 'px';
    }
    // never wider than the type area: a table whose cells Chromium cannot squeeze that far is fixed at the
    // type area's width, its columns in proportion (what is left wraps inside the cells)
    const natural = whole.getBoundingClientRect().width;
    const scale = natural > room ? room / natural : 1;
    const width = natural * scale;
    const cells = Array.from(whole.querySelectorAll(':scope > thead > tr:first-child > *')).map((c) => c.getBoundingClientRect().width * scale);
    probe.remove();
    const heads = Array.from(node.querySelectorAll(':scope > thead > tr:first-child > *'));
    if (!width || heads.length !== cells.length) return;
    for (const table of [node, clone]) {
      table.setAttribute('data-juan-cols', '');
      table.style.width = width + 'px';
      table.style.tableLayout = 'fixed';
    }
    heads.forEach((th, i) => {
      th.style.boxSizing = 'border-box';
      th.style.width = cells[i] + 'px';
    });
  }

  class RenderNodeTableContinued extends Paged.Handler {
    renderNode(clone, node) {
      if (clone && clone.nodeType === 1 && clone.nodeName === 'TABLE') fixColumns(clone, node);
      if (!clone || clone.nodeType !== 1 || clone.nodeName !== 'TR') return;
      const body = clone.parentElement;
      const table = body && body.parentElement;
      if (!table || body.nodeName !== 'TBODY' || table.nodeName !== 'TABLE') return;
      if (!table.hasAttribute('data-split-from') || table.querySelector(':scope > thead')) return;
      const source = node.closest && node.closest('table');
      if (!source) return;
      const thead = source.querySelector(':scope > thead');
      if (thead) {
        const copy = withoutRefs(thead.cloneNode(true));
        copy.classList.add('juan-repeated');
        table.insertBefore(copy, body);
      }
      const label = source.getAttribute('data-table-label');
      if (label && !table.querySelector(':scope > caption')) {
        const caption = document.createElement('caption');
        caption.className = 'juan-continued';
        caption.textContent = '续' + label.replace(/^续/, '');
        table.insertBefore(caption, table.firstChild);
      }
    }
  }

  /** Nothing is printed on the page before `el` (no text, no image, table or figure): it opens the page. */
  function opensPage(el, rendered) {
    const before = document.createRange();
    before.setStart(rendered, 0);
    before.setEndBefore(el);
    return !before.toString().trim() && !before.cloneContents().querySelector('img, svg, table, figure');
  }

  /*
   * The start of a table: its caption and header never end a page with fewer than two body rows
   * under them (the statistical communiqué of the real corpus had 「表1 …」 and the header alone at
   * a page foot, the rows on the next page without a 续表 caption). When a page overflows inside
   * a table that starts on this page, before its second body row, the whole table goes to the
   * next page — unless the table opens the page (it would only move again).
   */
  function tableHead(overflow, at, rendered) {
    const el = at.nodeType === 1 ? at : at.parentElement;
    const table = el && el.closest('table');
    if (!table || !rendered.contains(table) || table.hasAttribute('data-split-from') || !table.classList.contains('juan-table')) return;
    const body = table.querySelector(':scope > tbody');
    let rows = 0;
    for (const tr of body ? body.children : []) {
      const order = tr.compareDocumentPosition(at);
      if (tr === el || tr.contains(el) || !(order & Node.DOCUMENT_POSITION_FOLLOWING)) break;
      rows++;
    }
    if (rows >= 2 || opensPage(table, rendered)) return;
    const moved = document.createRange();
    moved.setStartBefore(table);
    moved.setEnd(overflow.endContainer, overflow.endOffset);
    return moved;
  }

  /*
   * The note under a table (p.table-note: 「注：…」, break-before: avoid) that does not fit: Paged.js
   * keeps it with the table by moving the whole table to the next page. For a table that opens the
   * page — the continuation of a split table above all — that leaves the page empty, and the
   * continuation, moved, starts over from the table's first row: the bench's content volume printed
   * 13 rows twice around a blank page. The note takes the table's last two rows along instead (two
   * rows stay on this page); a table with fewer rows here that opens the page lets the note go alone.
   * Only when the table is on this page (its top above the page's foot): a table entirely past it
   * is a plain overflow.
   */
  function noteWithRows(overflow, at, rendered, bounds) {
    if (!at || at.nodeName !== 'TABLE' || !at.classList.contains('juan-table') || !bounds) return;
    const box = at.getBoundingClientRect();
    if (box.top >= Math.round(bounds.bottom) || box.left >= Math.round(bounds.right)) return;
    const body = at.querySelector(':scope > tbody');
    const rows = body ? Array.from(body.children) : [];
    const moved = document.createRange();
    moved.setEnd(overflow.endContainer, overflow.endOffset);
    if (rows.length >= 4) {
      moved.setStartBefore(rows[rows.length - 2]);
      return moved;
    }
    if (!at.hasAttribute('data-split-from') && !opensPage(at, rendered)) return;
    moved.setStartAfter(at);
    return moved;
  }

  /*
   * A table split between pages keeps at least two body rows on each part: one row alone under
   * the repeated header and 「续表N」 reads as an accident, as a widow line does (kaiyuanshe's 续表1.1
   * had only its 15th row). When a page overflows at a row and the rest of that table is this one
   * row, the overflow starts a row earlier — when that still leaves two rows of the table on this
   * page (the same kind of range keep-with-next.js makes for a heading).
   */
  class OnOverflowTableRows extends Paged.Handler {
    onOverflow(overflow, rendered, bounds) {
      if (!overflow || !rendered || !this.chunker || !this.chunker.source) return;
      const c = overflow.startContainer;
      const at = c.nodeType === 1 && overflow.startOffset < c.childNodes.length ? c.childNodes[overflow.startOffset] : c;
      const note = noteWithRows(overflow, at, rendered, bounds);
      if (note) return note;
      const head = tableHead(overflow, at, rendered);
      if (head) return head;
      const row = (at.nodeType === 1 ? at : at.parentElement)?.closest('tr');
      const body = row && row.parentElement;
      if (!body || body.nodeName !== 'TBODY' || !rendered.contains(row)) return;
      const ref = row.getAttribute('data-ref');
      const source = this.chunker.source;
      const original = ref && ((source.indexOfRefs && source.indexOfRefs[ref]) || source.querySelector('[data-ref="' + ref + '"]'));
      if (!original || original.nextElementSibling) return;
      const before = row.previousElementSibling;
      if (!before || !before.previousElementSibling || !before.previousElementSibling.previousElementSibling) return;
      const moved = document.createRange();
      moved.setStartBefore(before);
      moved.setEnd(overflow.endContainer, overflow.endOffset);
      return moved;
    }
  }

  /*
   * Footnotes. The shared HTML has EPUB-style notes: `a.noteref` in the text, the notes as
   * `aside.footnote` in a `div.footnotes` at the end of the paper. For print each note's text
   * goes right after its (first) marker as a `span.juan-fn` (content.css: float: footnote) and
   * Paged.js's own Footnotes handler puts it at the foot of that page. That handler measures the
   * footnote area on every page (three forced layouts a page), so it is created only for a
   * document that has notes: a book without notes lays out as fast as before.
   */
  const PagedFootnotes = Paged.registeredHandlers.find((handler) => handler.name === 'Footnotes');

  /*
   * In a flow with notes, most pages still have none (the bench's content volume: ~20 of 322).
   * Paged.js's afterPageLayout measures the note area of every page all the same — a forced
   * layout and two style changes — and finds nothing to move on a page whose note area is empty:
   * that area keeps its class pagedjs_footnote_empty (display: none), so skipping it changes no
   * page. Notes carried over from the page before are put in its area by beforePageLayout, so
   * such a page is measured.
   */
  const FootnotesOnNotedPages = PagedFootnotes && class FootnotesOnNotedPages extends PagedFootnotes {
    afterPageLayout(pageElement, page, breakToken, chunker) {
      const inner = page.footnotesArea && page.footnotesArea.querySelector('.pagedjs_footnote_inner_content');
      if (inner && !inner.hasChildNodes()) return;
      super.afterPageLayout(pageElement, page, breakToken, chunker);
    }
  };

  function notesInline(content) {
    const notes = content.querySelectorAll('div.footnotes aside.footnote[id]');
    for (const aside of notes) {
      const ref = content.querySelector('a.noteref[href="#' + CSS.escape(aside.id) + '"]');
      if (!ref) continue;
      const note = document.createElement('span');
      note.className = 'juan-fn';
      for (const block of Array.from(aside.children)) {
        // the back link is the note's own marker (①): kept as text, no longer a link
        for (const back of Array.from(block.querySelectorAll('a.note-back'))) back.replaceWith(document.createTextNode(back.textContent));
        const span = document.createElement('span');
        span.className = 'juan-fn-block';
        while (block.firstChild) span.appendChild(block.firstChild);
        note.appendChild(span);
      }
      ref.after(note);
    }
    for (const box of Array.from(content.querySelectorAll('div.footnotes'))) box.remove();
    // no line break between the text and a marker: the character before it and the marker are
    // kept on one line (a word joiner would do it too, but it swallows the marker in PDF text)
    for (const ref of Array.from(content.querySelectorAll('a.noteref'))) {
      const before = ref.previousSibling;
      if (!before || before.nodeType !== 3 || !before.nodeValue) continue;
      const chars = Array.from(before.nodeValue);
      const last = chars.pop();
      before.nodeValue = chars.join('');
      const pair = document.createElement('span');
      pair.className = 'juan-nobreak';
      ref.before(pair);
      pair.append(last, ref);
    }
    return notes.length;
  }

  class BeforeParsedFootnotesWhenNoted extends Paged.Handler {
    beforeParsed(content, chunker) {
      if (!PagedFootnotes || !content.querySelector('div.footnotes aside.footnote')) return;
      if (!notesInline(content)) return;
      // paged-handlers.js keeps the footnote area in the page template for this flow
      chunker.juanKeepFootnotes = true;
      // Paged.js's handler, for this flow only. Its hooks register now, before the content is
      // parsed; the stylesheets were read before it existed, so it is told the note selector.
      const handler = new FootnotesOnNotedPages(chunker, this.polisher, this.caller);
      handler.footnotes['.juan-fn'] = { selector: '.juan-fn', policy: 'auto', display: 'block' };
    }
  }

  /*
   * Figures that do not fit the rest of the page float to the next one, as LaTeX's [htbp]:
   * Paged.js pushes a figure (never split) to the next page and leaves the rest of this page
   * empty. When a figure is rendered, its full height is measured once; if it would overflow a
   * page with room for at least three lines of text, it is moved in the source one block later
   * (after the paragraph, list, table or formula that follows it) and that block is laid out
   * here instead. The moved figure is tried again after that block, and so on, until it fits or
   * the page is full: it then opens the next page (after the tail of a block split there).
   * It never passes a heading (its own section's end) and never moves before its place, which
   * comes after its first mention. A figure taller than a page, or one with less than three
   * lines of room left, goes to the next page as before. Costs one forced layout per figure.
   */
  const FLOWS_PAST = /^(P|OL|UL|BLOCKQUOTE|PRE|TABLE|DIV)$/;
  /** The last box an element's content makes (a split block has one per column). */
  function lastBox(/** @type {Element} */ el) {
    const range = document.createRange();
    range.selectNodeContents(el);
    const boxes = Array.from(range.getClientRects()).filter((r) => r.height > 0);
    return boxes.length ? boxes[boxes.length - 1] : el.getBoundingClientRect();
  }
  let deferred = 0;

  class RenderNodeFigureFloat extends Paged.Handler {
    renderNode(clone, node, layout) {
      if (!clone || clone.nodeType !== 1 || clone.nodeName !== 'FIGURE' || !node.classList || !node.classList.contains('juan-figure')) return;
      const next = node.nextElementSibling;
      if (!next || !FLOWS_PAST.test(next.nodeName) || next.classList.contains('footnotes') || !layout || !layout.element) return;
      // the figure as it would be: Paged.js renders it child by child (a figure is a container)
      for (const child of Array.from(node.childNodes)) clone.appendChild(child.cloneNode(true));
      const box = clone.getBoundingClientRect();
      const area = layout.element.getBoundingClientRect();
      const marginBottom = parseFloat(getComputedStyle(clone).marginBottom) || 0;
      // the page area is a column box: what does not fit goes into the next column, to the right
      const prev = clone.previousElementSibling;
      const end = prev ? lastBox(prev) : null;
      const top = end ? end.bottom : /** @type {HTMLElement} */ (clone.parentElement).getBoundingClientRect().top;
      while (clone.firstChild) clone.firstChild.remove();
      // what comes before the figure already runs past this page (Paged.js renders some blocks
      // past the page before it measures): the page ends before the figure, measured again there
      if (end && end.left >= area.right - 1) return;
      const line = parseFloat(getComputedStyle(next).lineHeight) || 2 * parseFloat(getComputedStyle(next).fontSize) || 20;
      const fits = box.left < area.right - 1 && box.bottom + marginBottom <= area.bottom + 0.5;
      if (fits || area.bottom - top < 3 * line || box.height + marginBottom > area.height) return;
      const moved = /** @type {HTMLElement} */ (node.cloneNode(false));
      moved.setAttribute('data-ref', (node.getAttribute('data-ref') || 'figure') + '-f' + ++deferred);
      moved.setAttribute('data-juan-deferred', '');
      while (node.firstChild) moved.appendChild(node.firstChild);
      node.removeAttribute('id');
      node.className = 'juan-figure-moved';
      next.after(moved);
      // the walker goes on from the (now empty) figure to the block after it
      clone.remove();
    }
  }

  /*
   * A display formula wider than the measure (d2l's CBOW gradient ran 40 pt into the outer margin,
   * its last symbols cut off) is set smaller until it fits: KaTeX sizes everything in em, so the
   * formula's font size scaled by measure / width scales the whole formula. Measured once per
   * formula, when its box is rendered (Paged.js renders a container child by child: its content
   * is put in for the measurement and taken out again).
   */
  class RenderNodeMathFit extends Paged.Handler {
    renderNode(clone, node) {
      if (!clone || clone.nodeType !== 1 || !node.classList || !node.classList.contains('juan-math-display') || node.hasAttribute('data-juan-fit')) return;
      for (const child of Array.from(node.childNodes)) clone.appendChild(withoutRefs(child.cloneNode(true)));
      const room = clone.clientWidth;
      const width = clone.scrollWidth;
      const size = parseFloat(getComputedStyle(clone).fontSize);
      while (clone.firstChild) clone.firstChild.remove();
      node.setAttribute('data-juan-fit', '');
      if (!room || width <= room + 0.5 || !size) return;
      const fitted = (size * room) / width - 0.05;
      node.style.fontSize = clone.style.fontSize = fitted.toFixed(2) + 'px';
    }
  }

  Paged.registerHandlers(RenderNodeTableContinued, OnOverflowTableRows, BeforeParsedFootnotesWhenNoted, RenderNodeFigureFloat, RenderNodeMathFit);
})();
