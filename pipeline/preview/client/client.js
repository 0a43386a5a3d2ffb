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

/** The book on show: pdf.js document, version, folio per page. */
let shown = { doc: null, version: 0, folios: [], size: null };
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

/** Render page n of the book on show (canvas and text layer), replacing what was there in one step. */
async function render(n) {
  const { doc, version } = shown;
  const el = pageEl(n);
  if (!doc || !el || el.dataset.version === String(version) || el.dataset.rendering === String(version)) return;
  el.dataset.rendering = String(version);
  try {
    const page = await doc.getPage(n);
    const viewport = page.getViewport({ scale: SCALE });
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    await page.render({ canvas, canvasContext: canvas.getContext('2d'), viewport, transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise;
    const text = document.createElement('div');
    text.className = 'textLayer';
    await new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport }).render();
    if (shown.version !== version) return; // a newer build arrived meanwhile
    const label = el.querySelector('.label');
    el.replaceChildren(canvas, text, ...(label ? [label] : []));
    el.dataset.version = String(version);
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

function showToc(entries) {
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

/** Text of each page asked for, per document: the build after this one compares against it again. */
const pageTexts = new WeakMap();

function pageText(doc, n) {
  if (!pageTexts.has(doc)) pageTexts.set(doc, new Map());
  const texts = pageTexts.get(doc);
  if (!texts.has(n)) texts.set(n, doc.getPage(n).then((page) => page.getTextContent()).then((c) => c.items.map((i) => i.str ?? '').join('')));
  return texts.get(n);
}

/**
 * The server names the pages whose bytes changed; a paper laid out again may differ in bytes
 * from its first page on (fonts, resources) while the edit is pages later. The first page of
 * that range whose text differs is where the editor's change is (a change of style alone keeps
 * the server's first page). All pages of the range are asked for at once: the worker answers
 * them in turn without a round trip between pages.
 */
async function firstTextChange(before, after, from, to) {
  const last = Math.min(before.numPages, after.numPages, to ?? from + 60, from + 60);
  if (last <= from) return from; // one page changed: it is the one
  const pages = Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => from + i);
  const texts = pages.map((n) => Promise.all([pageText(before, n), pageText(after, n)]));
  for (const [i, pair] of texts.entries()) {
    const [a, b] = await pair;
    if (a !== b) return pages[i];
  }
  return from;
}

function status(text, building = false) {
  $('status').textContent = text;
  $('status').classList.toggle('building', building);
}

/** A build finished: load its PDF, swap the pages in place, show the page that changed. */
async function showBuild(state, arrived) {
  if (state.version <= shown.version) return;
  const t = { version: state.version, queued: performance.now() - arrived };
  let mark = performance.now();
  const lap = (name) => {
    const now = performance.now();
    t[name] = Math.round(now - mark);
    mark = now;
  };
  const doc = await pdfjs.getDocument({ url: `/book.pdf?v=${state.version}`, isEvalSupported: false, worker }).promise;
  const first = await doc.getPage(1);
  const size = first.getViewport({ scale: SCALE });
  lap('load');
  const old = shown.doc;
  let drawn;
  changedDrawn = new Promise((resolve) => (drawn = resolve));
  let changed;
  try {
    shown = { doc, version: state.version, folios: state.folios, size };
    layoutPages(state.pageCount, size, state.folios);
    document.title = `${state.title} · juan 预览`;
    $('title').textContent = state.title;
    $('report').hidden = !state.report;
    $('error').hidden = true;
    showToc(state.toc);
    for (const el of pagesEl.querySelectorAll('.page.changed')) el.classList.remove('changed');
    changed = old && state.firstChanged ? await firstTextChange(old, doc, state.firstChanged, state.lastChanged) : state.firstChanged;
    lap('compare');
    if (changed && state.version > 1) {
      pageEl(changed)?.classList.add('changed');
      goTo(changed);
    }
    // The changed page first and alone (it is what the editor waits for), then whatever else is
    // in view; the rest as it scrolls into view.
    if (changed) await render(changed);
  } finally {
    drawn();
  }
  lap('render');
  t.total = Math.round(performance.now() - arrived);
  timings.push(t);
  status(`第 ${state.version} 版 · ${state.pageCount} 页 · ${state.seconds.toFixed(1)} 秒${changed && state.version > 1 ? ` · 第 ${changed} 面有改动` : state.version > 1 ? ' · 版面没有变化' : ''}`);
  document.body.dataset.version = String(state.version);
  await Promise.all([...visible].sort((a, b) => a - b).map((n) => render(n)));
  void old?.destroy();
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
