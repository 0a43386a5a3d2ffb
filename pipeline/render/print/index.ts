/**
 * The print writer: volume model → print.html → Paged.js in headless Chromium → PDF + page map.
 *
 *   html    build print.html (扉页, 目录, body) with our CSS inlined and the font slices the
 *           book's characters need (referenced as assets/fonts/<file>.woff2)
 *   browser launch Chromium (or reuse options.session)
 *   load    open print.html from a loopback server, inject Paged.js + our handlers
 *   layout  wait for the fonts, run the Paged.js previewer; the handlers give every page its
 *           folio and build the page map
 *   toc     write the 目录's page numbers from the page map (fixed-width slots)
 *   pdf     page.pdf() at the CSS page size
 *
 * PDF post-processing (outline, labels, metadata, boxes) is postprocess.ts, not here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Element, ElementContent, Root } from 'hast';
import type { Page } from 'playwright-core';
import type { PageMap, Volume } from '../../model/types.ts';
import { JuanError } from '../../report/errors.ts';
import { printBody, printDocument } from '../../../templates/print.ts';
import { formatTocNumber } from '../../../templates/toc.ts';
import { BrowserSession, withStage } from './browser.ts';
import { bookFaces, fontFaceCss, selectSlices, uncoveredCodePoints, usedCodePoints, type FontSlice } from './fonts.ts';
import { pageCss } from './page-css.ts';
import { serveBook, type Served } from './server.ts';

export { BrowserSession, findChromium } from './browser.ts';

export interface UncoveredChar {
  char: string;
  /** `U+XXXX` */
  codePoint: string;
  /** First paper the character occurs in, null when only in the front matter. */
  paperId: string | null;
  /** Occurrences in the whole book. */
  count: number;
}

export interface PrintResult {
  pdf: Uint8Array;
  /** print.html: self-contained except the fonts, which are `assets/fonts/*.woff2` next to it. */
  html: string;
  pageMap: PageMap;
  uncovered: UncoveredChar[];
  /** Files print.html references, paths relative to it. */
  assets: Array<{ path: string; data: Uint8Array }>;
}

export interface RenderPrintOptions {
  /** 3 mm bleed (book.yaml page.bleed) and crop marks; otherwise the PDF page is the trim size. */
  printReady?: boolean;
  /** Time limit per browser stage; default book.yaml build.timeoutSeconds. */
  timeoutMs?: number;
  /** A browser to reuse; it is left open. Without one, a browser is launched and closed. */
  session?: BrowserSession;
  onStage?: (stage: string) => void;
  onPage?: (pagesSoFar: number) => void;
  /** Test/debug hook: called with the laid-out page (目录 filled) right before the PDF is printed. */
  inspect?: (page: Page) => Promise<void>;
}

const require = createRequire(import.meta.url);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const STYLES = { shared: here('../../../styles/shared.css'), print: here('../../../styles/print.css') };
const HANDLERS = here('./paged-handlers.js');
/** pagedjs's exports map hides dist/; its `require` entry is lib/index.cjs. */
const PAGED_JS = path.resolve(path.dirname(require.resolve('pagedjs')), '../dist/paged.js');

/** Strings the stylesheets print that are not in the HTML: folios, leader dots. */
const GENERATED_TEXT = '0123456789ivxlcdm()·…';

function hastText(node: Root | ElementContent): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return (node.children as ElementContent[]).map(hastText).join('');
  return '';
}

/** Text of the book by paper (null = 扉页/目录/part and chapter titles). */
function textByPaper(volume: Volume): Array<{ paperId: string | null; text: string }> {
  const out: Array<{ paperId: string | null; text: string }> = [];
  const visit = (node: ElementContent) => {
    if (node.type !== 'element') return void (node.type === 'text' && out.push({ paperId: null, text: node.value }));
    const cls = (node.properties?.className as string[] | undefined) ?? [];
    if (node.tagName === 'section' && cls.includes('paper')) {
      out.push({ paperId: String(node.properties!.id), text: hastText(node) });
      return;
    }
    node.children.forEach(visit);
  };
  printBody(volume).forEach(visit);
  out.push({ paperId: null, text: volume.meta.title });
  return out;
}

function findUncovered(volume: Volume, faces: FontSlice[]): UncoveredChar[] {
  const chunks = textByPaper(volume);
  const all = usedCodePoints(chunks.map((c) => c.text).join('') + GENERATED_TEXT);
  const missing = new Set(uncoveredCodePoints(faces, all));
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
        found.set(cp, { char: ch, codePoint: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`, paperId, count: 1 });
      }
    }
  }
  return [...found.values()];
}

export async function renderPrint(volume: Volume, options: RenderPrintOptions = {}): Promise<PrintResult> {
  const { printReady = false, onStage, onPage } = options;
  const timeoutMs = options.timeoutMs ?? volume.meta.build.timeoutSeconds * 1000;

  // ---- html
  onStage?.('html');
  const styles = {
    page: pageCss(volume.meta, printReady),
    shared: readFileSync(STYLES.shared, 'utf8'),
    print: readFileSync(STYLES.print, 'utf8'),
  };
  const draft = printDocument(volume, { ...styles, fonts: '' });
  const faces = bookFaces(volume.meta.fonts);
  const slices = selectSlices(faces, usedCodePoints(draft + GENERATED_TEXT));
  const html = printDocument(volume, { ...styles, fonts: fontFaceCss(slices) });
  const uncovered = findUncovered(volume, faces);
  const assets = slices.map((s) => ({ path: `assets/fonts/${s.name}`, data: new Uint8Array(readFileSync(s.file)) }));

  const files = new Map<string, Served>([
    ['/print.html', { type: 'text/html; charset=utf-8', data: html }],
    ['/_juan/paged.js', { type: 'text/javascript', file: PAGED_JS }],
    ['/_juan/handlers.js', { type: 'text/javascript', file: HANDLERS }],
    ...slices.map((s): [string, Served] => [`/assets/fonts/${s.name}`, { type: 'font/woff2', file: s.file }]),
  ]);
  const server = await serveBook(files);

  let session = options.session;
  const ownSession = !session;
  try {
    onStage?.('browser');
    session ??= await BrowserSession.launch({ timeoutMs });
    const { page, context, crashed } = await session.newPage(server.origin);
    const abort = () => void page.close().catch(() => {});
    const stage = <T>(name: string, fn: () => Promise<T>) => {
      onStage?.(name);
      return withStage(name, timeoutMs, () => Promise.race([fn(), crashed]), abort);
    };
    try {
      await page.exposeFunction('__juanProgress', (n: number) => onPage?.(n));

      await stage('load', async () => {
        await page.goto(`${server.origin}/print.html`, { waitUntil: 'load' });
        await page.addScriptTag({ url: '/_juan/paged.js' });
        await page.addScriptTag({ url: '/_juan/handlers.js' });
      });

      const pageMap = await stage('layout', () =>
        page.evaluate(async () => {
          const w = window as unknown as { Paged: { Previewer: new () => { preview(): Promise<unknown> } }; __juan: { pageMap: unknown } };
          await document.fonts.ready;
          await new w.Paged.Previewer().preview();
          await document.fonts.ready;
          return w.__juan.pageMap as PageMap | null;
        }),
      );
      if (!pageMap) throw new JuanError('render', '排版完成但没有得到页码表（Paged.js 处理器未运行）', { source: 'print:layout' });
      completeTargets(volume, pageMap);

      await stage('toc', async () => {
        const style = volume.meta.toc.pageNumberStyle;
        const labels = Object.fromEntries(
          Object.entries(pageMap.targets).map(([id, at]) => [id, formatTocNumber(at.folio, style)]),
        );
        const result = await page.evaluate(
          (l) => (window as unknown as { __juan: { fillToc(l: Record<string, string>): { filled: number; missing: string[]; changed: number; overflowing: string[] } } }).__juan.fillToc(l),
          labels,
        );
        if (result.missing.length || result.changed || result.overflowing.length) {
          throw new JuanError(
            'render',
            `目录页码回填失败：缺 ${result.missing.length} 项，${result.changed} 行高度改变，${result.overflowing.length} 个页码溢出`,
            { source: 'print:toc' },
          );
        }
      });

      if (options.inspect) await stage('inspect', () => options.inspect!(page));

      const pdf = await stage('pdf', () => page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true }));
      return { pdf: new Uint8Array(pdf), html, pageMap, uncovered, assets };
    } finally {
      await context.close().catch(() => {});
    }
  } finally {
    if (ownSession) await session?.close();
    await server.close();
  }
}

/** Chapters without a title have no heading of their own: they start where their first paper starts. Every id must be placed. */
function completeTargets(volume: Volume, map: PageMap): void {
  const lost: string[] = [];
  for (const part of volume.parts) {
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
