// The preview page: shows book.pdf's pages with pdf.js (canvas + text layer), the 目录 with
// links to each paper's page, and follows the server's events — a new build replaces the pages
// in place (no reload) and scrolls to the first page that changed; a failed build shows its
// one-line error and leaves the last good pages on show.
import * as pdfjs from '/pdfjs/pdf.min.mjs';

pdfjs.GlobalWorkerOptions.workerSrc = '/pdfjs/pdf.worker.min.mjs';

const $ = (id) => document.getElementById(id);
const pagesEl = $('pages');
const SCALE = 1.3;

/** The book on show: pdf.js document, version, folio per page. */
let shown = { doc: null, version: 0, folios: [], size: null };
/** Pages in or near the viewport: rendered first, and again after each build. */
const visible = new Set();
const observer = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      const n = Number(e.target.dataset.page);
      if (e.isIntersecting) {
        visible.add(n);
        void render(n);
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

async function pageText(doc, n) {
  const content = await (await doc.getPage(n)).getTextContent();
  return content.items.map((i) => i.str ?? '').join('');
}

/**
 * The server names the first page whose bytes changed; a paper laid out again may differ in
 * bytes from its first page on (fonts, resources) while the edit is pages later. The first page
 * from there whose text differs is where the editor's change is (a change of style alone keeps
 * the server's page).
 */
async function firstTextChange(before, after, from) {
  const last = Math.min(before.numPages, after.numPages, from + 60);
  for (let n = from; n <= last; n++) {
    if ((await pageText(before, n)) !== (await pageText(after, n))) return n;
  }
  return from;
}

function status(text, building = false) {
  $('status').textContent = text;
  $('status').classList.toggle('building', building);
}

/** A build finished: load its PDF, swap the pages in place, show the page that changed. */
async function showBuild(state) {
  if (state.version <= shown.version) return;
  const doc = await pdfjs.getDocument({ url: `/book.pdf?v=${state.version}`, isEvalSupported: false }).promise;
  const first = await doc.getPage(1);
  const size = first.getViewport({ scale: SCALE });
  const old = shown.doc;
  shown = { doc, version: state.version, folios: state.folios, size };
  layoutPages(state.pageCount, size, state.folios);
  document.title = `${state.title} · juan 预览`;
  $('title').textContent = state.title;
  $('report').hidden = !state.report;
  $('error').hidden = true;
  showToc(state.toc);
  for (const el of pagesEl.querySelectorAll('.page.changed')) el.classList.remove('changed');
  const changed = old && state.firstChanged ? await firstTextChange(old, doc, state.firstChanged) : state.firstChanged;
  if (changed && state.version > 1) {
    pageEl(changed)?.classList.add('changed');
    goTo(changed);
  }
  // The changed page first, then whatever else is in view; the rest as it scrolls into view.
  const order = [...new Set([changed, ...[...visible].sort((a, b) => a - b)].filter(Boolean))];
  await Promise.all(order.map((n) => render(n)));
  status(`第 ${state.version} 版 · ${state.pageCount} 页 · ${state.seconds.toFixed(1)} 秒${changed && state.version > 1 ? ` · 第 ${changed} 面有改动` : state.version > 1 ? ' · 版面没有变化' : ''}`);
  document.body.dataset.version = String(state.version);
  void old?.destroy();
}

// Builds arrive in order; each waits for the one before it.
let queue = Promise.resolve();
const events = new EventSource('/events');
events.addEventListener('build', (e) => {
  const state = JSON.parse(e.data);
  queue = queue.then(() => showBuild(state)).catch((error) => console.error(error));
});
events.addEventListener('building', () => status('正在重排…', true));
events.addEventListener('failed', (e) => {
  const { message } = JSON.parse(e.data);
  $('error').textContent = `${message}（下面仍是上一次成功的版面）`;
  $('error').hidden = false;
  status('构建失败');
});

$('goto').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const value = $('goto-page').value.trim();
  // The printed folio first (what the editor reads on the page), else the physical page.
  const byFolio = shown.folios.indexOf(value);
  const n = byFolio >= 0 ? byFolio + 1 : Number(value);
  if (Number.isInteger(n) && n >= 1 && n <= shown.folios.length) goTo(n);
});
