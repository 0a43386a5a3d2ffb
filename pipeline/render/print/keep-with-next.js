/*
 * A heading is followed on its page by at least two lines of its text (typography.md).
 * Paged.js decides where a page ends by geometry (Layout.findOverflow): it honours a heading's
 * `break-after: avoid` only one block back — when the block right after the heading does not fit,
 * the heading goes with it. When that block is a single line (a one-line paragraph, a 「图 2.5 …」
 * caption, a link of a list) and the block after it is what does not fit, the page ends with the
 * heading and one line under it; marking the line `break-after: avoid` too only moves the break to
 * between the heading and the line (Paged.js steps back one block, never two).
 * So when a page overflows, this handler looks at the last heading on the page (h4–h6 or a
 * numbered bold head line, p.head-line): if the text of its section goes on past the page (what
 * does not fit is not the next heading) and
 * fewer than two lines of it are under the heading, the overflow starts before the heading —
 * the same kind of range Paged.js makes for its own one-block step back. A heading at the top of
 * its page is left where it is (moving it would only repeat the page).
 */
/* global Paged */
(function () {
  'use strict';

  const HEADS = 'h4, h5, h6, p.head-line';

  /** The node where an overflow range starts (the selected node when it starts between nodes). */
  function startNode(range) {
    const c = range.startContainer;
    if (c.nodeType === 1 && range.startOffset < c.childNodes.length) return c.childNodes[range.startOffset];
    return c;
  }

  class OnOverflowKeepWithNext extends Paged.Handler {
    onOverflow(overflow, rendered, bounds) {
      if (!overflow || !rendered || !bounds) return;
      const at = startNode(overflow);
      const end = Math.round(bounds.right);
      const vEnd = Math.round(bounds.bottom);
      // the last heading that is on this page and before the overflow
      let head = null;
      for (const h of rendered.querySelectorAll(HEADS)) {
        const r = h.getBoundingClientRect();
        if (r.left >= end || r.top >= vEnd || r.height === 0) continue;
        const order = h.compareDocumentPosition(at);
        if (order & Node.DOCUMENT_POSITION_FOLLOWING && !(order & Node.DOCUMENT_POSITION_CONTAINED_BY)) head = h;
      }
      if (!head) return;
      // the next section (or paper) is what does not fit: the heading's own section ended on this page
      for (let el = at.nodeType === 1 ? at : at.parentElement; el && el !== rendered; el = el.firstElementChild) {
        if (el.matches(HEADS + ', .paper-header, .paper-title')) return;
        if (at.nodeType !== 1) break;
      }
      if ((at.nodeType === 1 ? at : at.parentElement).closest(HEADS)) return;
      // a heading first on its page stays
      const before = document.createRange();
      before.setStart(rendered, 0);
      before.setEndBefore(head);
      if (!before.toString().trim() && !before.cloneContents().querySelector('img, svg, table, figure')) return;
      // how many lines of text are under the heading on this page: the height the boxes between the
      // heading and the overflow cover on the page, in lines
      const after = document.createRange();
      after.setStartAfter(head);
      after.setEnd(overflow.startContainer, overflow.startOffset);
      const top = head.getBoundingClientRect().bottom;
      const spans = [...after.getClientRects()]
        .filter((r) => r.height > 0 && r.left < end && r.top >= top - 1 && r.top < vEnd)
        .map((r) => [r.top, Math.min(r.bottom, vEnd)])
        .sort((a, b) => a[0] - b[0]);
      let covered = 0;
      let reach = top;
      for (const [t, b] of spans) {
        if (b <= reach) continue;
        covered += b - Math.max(t, reach);
        reach = b;
      }
      const next = head.nextElementSibling;
      const lineHeight = parseFloat(getComputedStyle(next && next.nodeName === 'P' ? next : rendered).lineHeight) || parseFloat(getComputedStyle(head).lineHeight);
      if (!lineHeight || covered >= lineHeight * 1.8) return;
      const moved = document.createRange();
      moved.setStartBefore(head);
      moved.setEnd(overflow.endContainer, overflow.endOffset);
      return moved;
    }
  }

  Paged.registerHandlers(OnOverflowKeepWithNext);
})();
