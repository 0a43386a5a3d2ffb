/**
 * renderPrint: volume model → print.html → Paged.js in headless Chromium → PDF + page map
 * (the layout phase's work; engine.ts runs it in the build).
 *
 *   html    build print.html (扉页, 目录, body: document.ts) with our CSS inlined and font
 *           subsets with exactly the book's characters (assets/fonts/<face>.ttf, fonts.ts); cut
 *           the same body into chunks — the front matter, then one per paper (chunk-plan.ts) —
 *           each with its cache key (cache-keys.ts)
 *   layout  the chunks laid out in a few tabs, stamped with their real folios, the 目录
 *           filled, each tab printed once (layout.ts); the browser only if something is not cached
 *   merge   pdf-lib copies the tabs' pages into one PDF in book order (merge.ts), then
 *           post-processing (outline, labels, metadata, boxes: postprocess.ts) before one save
 */
import type { Element } from 'hast';
import type { Page } from 'puppeteer-core';
import type { PostprocessOptions } from './postprocess.ts';
import type { PDFDocument } from 'pdf-lib';
import { bundleFonts } from './font-bundle.ts';
import { isUntitledPart, type PageMap, type Volume } from '../../model/types.ts';
import { JuanError } from '../../report/errors.ts';
import { printBookSteps, type PrintBook } from './document.ts';
import { inTurns } from '../../in-turns.ts';
import { rectoHeads } from '../running-head.ts';
import { tocPageNumber } from '../book-text.ts';
import type { BuildCache } from '../../cache/store.ts';
import type { BrowserSession } from './browser.ts';
import { engineKey, flateKey, layoutKey } from './cache-keys.ts';
import { renderChunks, type ChunkJob } from './layout.ts';
import { CHUNK_CSS } from './chunk-plan.ts';
import { pageGeometry, sideShiftPt } from './page-css.ts';
import { CONTENT_HANDLERS, HANDLERS, KEEP_WITH_NEXT, printShell, type PrintPrelude } from './prelude.ts';
import { likelyCodePoints, printedCodePoints, printFonts, stylesheetText } from './fonts.ts';
import { fontProgram, subsetFontFaceCss } from '../fonts/subset.ts';
import { contentAssets, coveredByContentFonts } from '../content/assets.ts';
import type { KeptPdfs } from './kept-pdfs.ts';

export { BrowserSession, findChromium } from './browser.ts';

export interface UncoveredChar {
  char: string;
  /** `U+XXXX` */
  codePoint: string;
  /** Unicode name (`KANGXI RADICAL SUN`, `CJK UNIFIED IDEOGRAPH-3447`): an editor can tell look-alikes apart. */
  name: string;
  /** First paper the character occurs in, null when only in the front matter. */
  paperId: string | null;
  /** Occurrences in the whole book. */
  count: number;
}

export interface PrintResult {
  pdf: Uint8Array;
  /** print.html: self-contained except the fonts, which are `assets/fonts/*.ttf` next to it. */
  html: string;
  pageMap: PageMap;
  uncovered: UncoveredChar[];
  /** Files print.html references, paths relative to it. */
  assets: Array<{ path: string; data: Uint8Array }>;
  /** Chunks (front matter + one per paper) and how many of them the browser laid out / printed in this build. */
  chunks: { total: number; laidOut: number; printed: number; laidOutPapers: string[] };
  /** The document `pdf` was saved from: juan preview reads its pages without parsing `pdf` again. */
  doc: PDFDocument;
}

export interface RenderPrintOptions {
  /** 3 mm bleed (book.yaml page.bleed) and crop marks; otherwise the PDF page is the trim size. */
  printReady?: boolean;
  /** Time limit per browser stage; default book.yaml build.timeoutSeconds. */
  timeoutMs?: number;
  /**
   * A browser to reuse (or one being launched); it is left open. Without one, a browser is
   * launched when something is not cached, and closed.
   */
  session?: BrowserSession | Promise<BrowserSession>;
  /** Layout cache (pipeline/cache/store.ts); without one every chunk is laid out. */
  cache?: BuildCache;
  /** Browser tabs laying out papers at once (default 2: one per core of the build machine). */
  tabs?: number;
  onStage?: (stage: string) => void;
  /** Pages laid out (or taken from the cache) so far; ends at the page count. */
  onPage?: (pagesSoFar: number) => void;
  /** Papers laid out (or taken from the cache) so far, of `total`. */
  onPaper?: (done: number, total: number) => void;
  /**
   * The final page map, as soon as it is known — before the PDFs are printed and merged, so
   * the writers that only need the map (EPUB, toc.json…) can run meanwhile.
   */
  onPageMap?: (map: PageMap) => void;
  /**
   * Test/debug hook: called with each chunk's laid-out page right before its PDF is printed —
   * the front matter (目录 filled) and every body chunk laid out in this build.
   */
  inspect?: (page: Page) => Promise<void>;
  /** Test hook: leave Paged.js stock (paged-handlers.js applies none of its replacements). */
  stockPaged?: boolean;
  /** Tabs and server started before the manuscript was read (prelude.ts); closed here when not of use. */
  prelude?: PrintPrelude;
  /**
   * Post-process the merged PDF (postprocess.ts: outline, labels, boxes, metadata) before it
   * is saved — once, instead of saving it here and loading it again there.
   */
  postprocess?: PostprocessOptions;
  /** Every PDF is printed: the browser has nothing more to do in this build (it may close while the PDFs are merged). */
  onBrowserDone?: () => void;
  /** Cached PDFs kept parsed between the builds of this process (juan preview: kept-pdfs.ts). */
  keptPdfs?: KeptPdfs;
  /** Save the pages as laid out in the cache (layout.ts ChunkedOptions.savePages; default true). */
  savePages?: boolean;
}

async function findUncovered(volume: Volume, book: PrintBook, uncovered: number[]): Promise<UncoveredChar[]> {
  if (!uncovered.length) return [];
  const missing = new Set(uncovered);
  // text of the book by paper (null = 扉页/目录/part titles), then the title the stylesheets print
  const chunks = [...book.textByPaper(missing), { paperId: null, text: volume.meta.title }];
  // The subsets also cover the stylesheets' text, and a character only there (print.css has a ⅛ in a
  // comment) is no character of the book: nothing to report, so the name tables are not loaded.
  if (!chunks.some(({ text }) => [...missing].some((cp) => text.includes(String.fromCodePoint(cp))))) return [];
  // unicode-name is 2.4 MB of tables: compiled (~0.15 s) only for a book with characters its fonts lack
  const { unicodeLabel, unicodeName } = await import('unicode-name');
  const found = new Map<number, UncoveredChar>();
  for (const { paperId, text } of chunks) {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (!missing.has(cp)) continue;
      const entry = found.get(cp);
      if (entry) {
        entry.count++;
        entry.paperId ??= paperId;
      } else {
        found.set(cp, { char: ch, codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, name: unicodeName(ch) ?? unicodeLabel(ch) ?? '', paperId, count: 1 });
      }
    }
  }
  return [...found.values()];
}

export async function renderPrint(volume: Volume, options: RenderPrintOptions = {}): Promise<PrintResult> {
  const { printReady = false, onStage } = options;
  const timeoutMs = options.timeoutMs ?? volume.meta.build.timeoutSeconds * 1000;

  // ---- html
  onStage?.('html');
  const { styles, shell, files: ownFiles } = printShell(volume.meta, printReady, options.stockPaged);
  // The tabs opened before the manuscript was read loaded this very shell (prelude.ts).
  const prelude = options.prelude?.shell === shell ? options.prelude : null;
  if (options.prelude && !prelude) await options.prelude.close();
  const files = prelude?.files ?? ownFiles;
  const heads = await rectoHeads(volume, options.cache);
  const generated = stylesheetText(styles, volume.meta);
  // The subsets take ~0.3 s when not cached: they are made from the characters the model has
  // while its HTML is built, and again (with the HTML's) only if the HTML has one more.
  const likely = likelyCodePoints(volume, generated);
  const early = printFonts(volume.meta.fonts, likely, options.cache);
  early.catch(() => {});
  // each paper's HTML built or taken from the cache (document.ts printBook), in turns: the
  // tabs' requests for the shell's scripts are answered meanwhile (in-turns.ts)
  const book = await inTurns(printBookSteps(volume, heads, options.cache));
  const plans = book.plans;
  const bodies = book.bodies;
  const unforeseen = [...printedCodePoints(bodies, generated)].filter((cp) => !likely.has(cp));
  const content = contentAssets(bodies.join('')); // KaTeX and code fonts, when the book has math or code
  for (const f of content.files) files.set(`/assets/${f.path}`, { type: f.type, data: f.data });
  // their programs too, decoded meanwhile: every tab's PDF embeds its own copy of each, the merge one (pdf/fonts.ts)
  const contentPrograms = Promise.all(content.files.filter((f) => f.type.startsWith('font/')).map((f) => fontProgram(f.source)));
  contentPrograms.catch(() => {}); // the merge meets it again
  const fontsReady = (unforeseen.length ? printFonts(volume.meta.fonts, [...likely, ...unforeseen], options.cache) : early).then((fonts) => {
    for (const p of fonts.parts) files.set(`/assets/fonts/${p.name}`, { type: p.format === 'opentype' ? 'font/otf' : 'font/ttf', data: p.data });
    return fonts;
  });
  fontsReady.catch(() => {});

  const engine = engineKey(volume, { printReady, handlers: [CONTENT_HANDLERS, KEEP_WITH_NEXT, HANDLERS], stockPaged: options.stockPaged });
  const jobs: ChunkJob[] = plans.map((plan, i) => ({ plan, body: bodies[i]!, key: layoutKey(engine, plan.kind, styles, CHUNK_CSS, bodies[i]!) }));

  const style = volume.meta.toc.pageNumberStyle;
  const tocLabels = (map: PageMap) => {
    completeTargets(volume, map);
    return Object.fromEntries(Object.entries(map.targets).map(([id, at]) => [id, tocPageNumber(at.folio, style)]));
  };
  onStage?.('layout');
  const loadedPdfs = new Map<Uint8Array, Promise<PDFDocument>>();
  /** Parse a source PDF of the merge ahead (`inTurns`: a cached one, while the tabs still need Node's answers). */
  const parseAhead = (pdf: Uint8Array, inTurns: boolean): void => {
    const parse = () => {
      const start = inTurns ? new Promise<void>((resolve) => setImmediate(resolve)) : Promise.resolve();
      return start.then(() => import('./merge.ts')).then(({ loadPdf }) => loadPdf(pdf, inTurns));
    };
    const doc = inTurns && options.keptPdfs ? options.keptPdfs.parsed(pdf, parse) : parse();
    doc.catch(() => {}); // the merge meets it again
    loadedPdfs.set(pdf, doc);
  };
  const layout = renderChunks(jobs[0]!, jobs.slice(1), {
    session: options.session,
    timeoutMs,
    cache: options.cache,
    tabs: options.tabs,
    files,
    preopened: prelude?.tabs,
    server: prelude?.server,
    // the @font-face rules; the tabs get their files in one request (font-bundle.ts)
    fonts: fontsReady.then((fonts) => bundleFonts(subsetFontFaceCss(fonts.parts, '/assets/fonts') + content.css('/assets'), files)),
    tocLabels,
    heads,
    shift: sideShiftPt(pageGeometry(volume.meta.page, printReady).margins),
    furnitureBase: layoutKey(engine, 'furniture', styles, CHUNK_CSS, ''),
    marks: printReady,
    onStage,
    onPage: options.onPage,
    onPaper: options.onPaper,
    onPageMap: (map) => {
      // runs in a browser callback: an incomplete map is reported by the same check after layout
      try {
        completeTargets(volume, map);
      } catch {
        return;
      }
      options.onPageMap?.(map);
    },
    inspect: options.inspect,
    // Each tab's PDF is parsed for the merge as soon as it is printed, while others still print.
    onPdf: (pdf) => parseAhead(pdf, false),
    // The cached PDFs the book's pages come from are parsed while the tabs lay out and print, not after.
    onCachedPdf: (pdf) => parseAhead(pdf, true),
    keptPdfs: options.keptPdfs,
    savePages: options.savePages,
  });
  layout.catch(() => {});
  const fonts = await fontsReady.catch(async (error: unknown) => {
    await layout.catch(() => {}); // let the tabs close before the error goes up
    throw error;
  });
  const html = book.document({ ...styles, fonts: subsetFontFaceCss(fonts.parts, 'assets/fonts') + content.css('assets') });
  const uncovered = await findUncovered(volume, book, fonts.uncovered.filter((cp) => !coveredByContentFonts(cp)));
  const assets = [...new Map(fonts.parts.map((p) => [p.name, { path: `assets/fonts/${p.name}`, data: p.data }])).values(), ...content.files.map((f) => ({ path: `assets/${f.path}`, data: f.data }))];
  const result = await layout;
  options.onBrowserDone?.();
  const pageMap = result.pageMap;
  completeTargets(volume, pageMap);

  onStage?.('merge');
  const links = result.tocLinks
    .filter((l) => pageMap.targets[l.id])
    .map((l) => ({ ...l, target: pageMap.targets[l.id]!.page - 1 }));
  const { mergePdfs } = await import('./merge.ts'); // pdf-lib: loaded when the main thread is idle, not at start
  const cache = options.cache;
  const flateCache = cache && {
    get: (data: Uint8Array) => cache.get('flate', flateKey(data), 'bin'),
    put: (data: Uint8Array, compressed: Uint8Array) => cache.put('flate', flateKey(data), 'bin', compressed),
  };
  const merged = await mergePdfs(result.pdfs, links, loadedPdfs, [...new Set([...fonts.parts.map((p) => p.data), ...(await contentPrograms)])], flateCache);
  options.keptPdfs?.endBuild();
  if (options.postprocess) {
    onStage?.('postprocess');
    const { postprocessDocument } = await import('./postprocess.ts');
    postprocessDocument(merged, volume, pageMap, options.postprocess);
  }
  // In one go: pdf-lib's default writes 50 objects per macrotask, waiting a setTimeout after each.
  const pdf = options.postprocess
    ? await (await import('./pdf/save.ts')).saveWithZlib(merged) // pdf-lib's save, its streams compressed by Node's zlib (pdf/save.ts)
    : await merged.save({ objectsPerTick: Infinity, useObjectStreams: false });
  return {
    pdf,
    html,
    pageMap,
    uncovered,
    assets,
    chunks: { total: jobs.length, laidOut: result.laidOut, printed: result.printed, laidOutPapers: result.laidOutPapers },
    doc: merged,
  };
}

/** Chapters without a title have no heading of their own: they start where their first paper starts. Every id must be placed. */
function completeTargets(volume: Volume, map: PageMap): void {
  const lost: string[] = [];
  for (const part of volume.parts) {
    // An untitled part prints no page of its own: it starts where its first paper starts.
    const firstPaper = part.chapters.find((c) => c.papers.length)?.papers[0];
    if (!map.targets[part.id] && isUntitledPart(part) && firstPaper && map.targets[firstPaper.id]) map.targets[part.id] = { ...map.targets[firstPaper.id]! };
    if (!map.targets[part.id]) lost.push(part.id);
    for (const chapter of part.chapters) {
      const first = chapter.papers[0];
      if (!map.targets[chapter.id] && first && map.targets[first.id]) map.targets[chapter.id] = { ...map.targets[first.id]! };
      if (!map.targets[chapter.id]) lost.push(chapter.id);
      for (const paper of chapter.papers) if (!map.targets[paper.id]) lost.push(paper.id);
    }
  }
  if (lost.length) {
    throw new JuanError('render', `排版后找不到这些篇/章/文章的位置：${lost.slice(0, 5).join('、')}${lost.length > 5 ? ' 等' : ''}`, {
      source: 'print:layout',
    });
  }
}

export type { Element };
