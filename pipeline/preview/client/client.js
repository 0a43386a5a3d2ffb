// The preview page: shows book.pdf's pages with pdf.js (canvas + text layer), the 目录 with
// links to each paper's page, and follows the server's events — a new build replaces the pages
// in place (no reload) and scrolls to the first page that changed; a failed build shows its
// one-line error and leaves the last good pages on show.
import * as pdfjs from '/pdfjs/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/pdfjs/pdf.worker.min.mjs';
// One pdf.js worker for every build's document: starting one (loading and compiling ~1 MB of
// script) for each build cost more than parsing the PDF.
const worker = new pdfjs.PDFWorker();

const $ = (id) => document.getElementById(id);
const pagesEl = $('pages');
const SCALE = 1.3;

/**
 * The book on show: its version, folio and fingerprint per page, and where its pages come from —
 * `pages`, a small PDF of the pages the server sent first (page number → its index there), and
 * `book()`, the whole book.pdf, loaded when a page outside those is drawn.
 */
let shown = { version: 0, folios: [], fingerprints: [], size: null, pages: null, pageIndex: new Map(), book: null, loaded: null };
/** Pages in or near the viewport: rendered first, and again after each build. */
const visible = new Set();
/** While a new build's changed page is drawn, other pages wait for it (one worker, one core). */
let changedDrawn = Promise.resolve();
const observer = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      const n = Number(e.target.dataset.page);
      if (e.isIntersecting) {
        visible.add(n);
        void changedDrawn.then(() => render(n));
      } else visible.delete(n);
    }
  },
  { rootMargin: '600px 0px' },
);

function pageEl(n) {
  return pagesEl.querySelector(`.page[data-page="${n}"]`);
}

/** One element per physical page, sized like the page, so scrolling and jumping work before rendering. */
function layoutPages(count, size, folios) {
  while (pagesEl.children.length > count) {
    const last = pagesEl.lastElementChild;
    observer.unobserve(last);
    visible.delete(Number(last.dataset.page));
    last.remove();
  }
  for (let n = pagesEl.children.length + 1; n <= count; n++) {
    const el = document.createElement('div');
    el.className = 'page';
    el.dataset.page = String(n);
    el.id = `page-${n}`;
    pagesEl.append(el);
    observer.observe(el);
  }
  for (const el of pagesEl.children) {
    const n = Number(el.dataset.page);
    // Unchanged sizes and labels are not set again: each setting restyles the page element.
    if (el.dataset.size === `${size.width}x${size.height}` && el.dataset.folio === (folios[n - 1] ?? '')) continue;
    el.dataset.size = `${size.width}x${size.height}`;
    el.style.width = `${size.width}px`;
    el.style.height = `${size.height}px`;
    el.style.setProperty('--scale-factor', String(SCALE));
    el.style.setProperty('--total-scale-factor', String(SCALE));
    el.dataset.folio = folios[n - 1] ?? '';
    let label = el.querySelector('.label');
    if (!label) {
      label = document.createElement('span');
      label.className = 'label';
      el.append(label);
    }
    label.textContent = `第 ${n} 面 · 页码 ${folios[n - 1] ?? ''}`;
  }
}

/** The pdf.js page for page n of the book on show: from the small PDF when it has it, else from book.pdf. */
function pdfPage(n) {
  const i = shown.pageIndex.get(n);
  return i ? shown.pages.getPage(i) : shown.book().then((doc) => doc.getPage(n));
}

/** Render page n of the book on show (canvas and text layer), replacing what was there in one step. */
async function render(n) {
  const { version } = shown;
  const el = pageEl(n);
  if (!shown.size || !el || el.dataset.version === String(version) || el.dataset.rendering === String(version)) return;
  el.dataset.rendering = String(version);
  try {
    const page = await pdfPage(n);
    const viewport = page.getViewport({ scale: SCALE });
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    const text = document.createElement('div');
    text.className = 'textLayer';
    // Both asked of the worker at once: the text comes while the canvas is painted.
    await Promise.all([
      page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise,
      new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport }).render(),
    ]);
    if (shown.version !== version) return; // a newer build arrived meanwhile
    const label = el.querySelector('.label');
    el.replaceChildren(canvas, text, ...(label ? [label] : []));
    el.dataset.version = String(version);
    el.dataset.fingerprint = shown.fingerprints[n - 1] ?? '';
  } catch (error) {
    if (shown.version === version) console.error(`page ${n}:`, error);
  } finally {
    if (el.dataset.rendering === String(version)) delete el.dataset.rendering;
  }
}

function goTo(n, smooth = false) {
  const el = pageEl(n);
  if (el) el.scrollIntoView({ behavior: smooth ? 'smooth' : 'instant', block: 'start' });
}

let tocShown = '';
function showToc(entries) {
  const json = JSON.stringify(entries);
  if (json === tocShown) return; // the same 目录: its links stay
  tocShown = json;
  const toc = $('toc');
  toc.replaceChildren();
  for (const e of entries) {
    const a = document.createElement('a');
    a.className = e.kind;
    a.href = e.pdfPage ? `#page-${e.pdfPage}` : '#';
    a.dataset.pdfPage = e.pdfPage ?? '';
    const title = document.createElement('span');
    title.textContent = e.title;
    const folio = document.createElement('span');
    folio.className = 'folio';
    folio.textContent = e.page ?? '';
    a.append(title, folio);
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      if (e.pdfPage) goTo(e.pdfPage);
    });
    toc.append(a);
  }
}

function status(text, building = false) {
  $('status').textContent = text;
  $('status').classList.toggle('building', building);
}

/** A PDF from the server, parsed by the shared worker. */
function loadPdf(url) {
  return pdfjs.getDocument({ url, isEvalSupported: false, worker }).promise;
}

/**
 * A build finished: swap the pages in place and show the page that changed. The server sends
 * that page (and its neighbours in view) as a small PDF of their own: drawing it parses a few
 * kilobytes of fonts, not the whole book's. Pages whose content did not change keep what is
 * drawn; book.pdf is loaded only when a page outside the small PDF is drawn (scrolling, a jump).
 */
async function showBuild(state, arrived) {
  if (state.version <= shown.version) return;
  const t = { version: state.version, queued: performance.now() - arrived };
  let mark = performance.now();
  const lap = (name) => {
    const now = performance.now();
    t[name] = Math.round(now - mark);
    mark = now;
  };
  const pages = state.pages.length ? await loadPdf(`/pages.pdf?v=${state.version}`).catch(() => null) : null;
  let book = null;
  const bookDoc = () => (book ??= loadPdf(`/book.pdf?v=${state.version}`));
  const size = pages ? (await pages.getPage(1)).getViewport({ scale: SCALE }) : shown.size ?? (await (await bookDoc()).getPage(1)).getViewport({ scale: SCALE });
  lap('load');
  const old = shown;
  let drawn;
  changedDrawn = new Promise((resolve) => (drawn = resolve));
  const changed = state.version > 1 ? state.changed : null;
  try {
    shown = {
      version: state.version, folios: state.folios, fingerprints: state.fingerprints, size,
      pages, pageIndex: new Map(pages ? state.pages.map((n, i) => [n, i + 1]) : []), book: bookDoc, loaded: () => book,
    };
    layoutPages(state.pageCount, size, state.folios);
    // A page drawn from the same content stays as it is: it belongs to this build too.
    for (const el of pagesEl.children) {
      const n = Number(el.dataset.page);
      if (el.dataset.fingerprint && el.dataset.fingerprint === state.fingerprints[n - 1] && !shown.pageIndex.has(n)) el.dataset.version = String(state.version);
    }
    document.title = `${state.title} · juan 预览`;
    $('title').textContent = state.title;
    $('report').hidden = !state.report;
    $('error').hidden = true;
    for (const el of pagesEl.querySelectorAll('.page.changed')) el.classList.remove('changed');
    lap('frames');
    if (changed) {
      pageEl(changed)?.classList.add('changed');
      goTo(changed);
    }
    // The changed page first and alone (it is what the editor waits for), then whatever else is
    // in view; the rest as it scrolls into view.
    const first = changed ?? (state.version === 1 ? 1 : null);
    if (first && shown.pageIndex.has(first)) await render(first);
  } finally {
    drawn();
  }
  lap('render');
  t.total = Math.round(performance.now() - arrived);
  timings.push(t);
  // The 目录 after that page: its lines load slices of the page's own font (Noto Sans SC, by
  // unicode-range; ~20 files for the bench's volume), which would be fetched from the busy
  // server and decoded while the page is drawn.
  showToc(state.toc);
  status(`第 ${state.version} 版 · ${state.pageCount} 页 · ${state.seconds.toFixed(1)} 秒${changed ? ` · 第 ${changed} 面有改动` : state.version > 1 ? ' · 版面没有变化' : ''}`);
  document.body.dataset.version = String(state.version);
  document.body.dataset.sentPages = state.pages.join(','); // which pages came in the small PDF (tests)
  // The server writes the build's other files after this: they do not compete with drawing the page.
  void fetch(`/shown?v=${state.version}`).catch(() => {});
  await Promise.all([...visible].sort((a, b) => a - b).map((n) => render(n)));
  void old.pages?.destroy();
  void old.loaded?.()?.then((d) => d.destroy(), () => {});
}

/** How long each step of showing a build took, ms (performance.now), for bench/preview.ts. */
const timings = (window.juanTimings = []);

// Builds arrive in order; each waits for the one before it.
let queue = Promise.resolve();
const events = new EventSource('/events');
events.addEventListener('build', (e) => {
  const arrived = performance.now();
  const state = JSON.parse(e.data);
  queue = queue.then(() => showBuild(state, arrived)).catch((error) => console.error(error));
});
events.addEventListener('building', () => {
  document.body.dataset.idle = 'false';
  status('正在重排…', true);
});
// The build's other files (report, normalized Markdown, toc.json) are written after the pages.
events.addEventListener('written', (e) => {
  $('report').hidden = !JSON.parse(e.data).report;
  document.body.dataset.idle = 'true';
});
events.addEventListener('failed', (e) => {
  const { message } = JSON.parse(e.data);
  $('error').textContent = `${message}（下面仍是上一次成功的版面）`;
  $('error').hidden = false;
  status('构建失败');
  document.body.dataset.idle = 'true';
});

$('goto').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const value = $('goto-page').value.trim();
  // The printed folio first (what the editor reads on the page), else the physical page.
  const byFolio = shown.folios.indexOf(value);
  const n = byFolio >= 0 ? byFolio + 1 : Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= shown.folios.length) goTo(n);
});
