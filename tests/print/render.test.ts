/**
 * The print renderer end to end on the normalized seed: render once, then read the
 * PDF back (pdfjs-dist, poppler) and assert what a reader and a printer would see.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHtml } from 'hast-util-to-html';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderPrint, type PrintResult } from '../../pipeline/render/print/index.ts';
import { compressPunctuation } from '../../pipeline/render/print/punctuation.ts';
import { pageGeometry } from '../../pipeline/render/print/page-css.ts';
import { rectoHeads, versoHead } from '../../pipeline/render/running-head.ts';
import type { Paper, Volume } from '../../pipeline/model/types.ts';
import { seedVolume } from '../support/seed-volume.ts';
import { PT_PER_MM, pageLines, pdffonts, readPdf, squeeze, type PdfPage } from './helpers.ts';

let volume: Volume;
let papers: Paper[];
let result: PrintResult;
let pages: PdfPage[];
let pdfFile: string;
const measured: Record<string, number> = {};
const progress: number[] = [];

beforeAll(async () => {
  volume = seedVolume();
  papers = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
  // The run as the pipeline renders it (our punctuation marking + CSS + fonts), inside a body paragraph.
  const run = toHtml(compressPunctuation({ type: 'element', tagName: 'span', properties: { id: 'probe' }, children: [{ type: 'text', value: '。」（' }] }));
  result = await renderPrint(volume, {
    onPage: (n) => progress.push(n),
    // Called for every tab before it prints: the front matter's has no body paragraph.
    inspect: async (page) => {
      // What each printed page carries (the print restyles, lays out and paints every element)
      const census = await page.evaluate(() => ({
        body: document.querySelectorAll('.juan-run:not([data-chunk="-1"]):not(.juan-furniture) .pagedjs_page').length,
        bodyOutsideArea: document.querySelectorAll('.juan-run:not([data-chunk="-1"]):not(.juan-furniture) .pagedjs_page :is(.pagedjs_margin, .pagedjs_bleed)').length,
        stamps: document.querySelectorAll('.juan-furniture .pagedjs_page').length,
        stampBoxes: document.querySelectorAll('.juan-furniture .pagedjs_margin').length,
        stampBleeds: document.querySelectorAll('.juan-furniture .pagedjs_bleed').length,
        frontBoxes: document.querySelectorAll('.juan-run[data-chunk="-1"] .pagedjs_margin').length,
      }));
      for (const [k, v] of Object.entries(census)) measured[k] = (measured[k] ?? 0) + v;
      if (measured.em !== undefined || !(await page.$('.pagedjs_page .paper-body p:not([data-split-from])'))) return;
      Object.assign(
        measured,
        await page.evaluate((probe) => {
          const p = document.querySelector('.pagedjs_page .paper-body p:not([data-split-from])') as HTMLElement;
          const em = parseFloat(getComputedStyle(p).fontSize);
          p.insertAdjacentHTML('beforeend', probe);
          const span = document.getElementById('probe')!;
          const punct = span.getBoundingClientRect().width / em;
          span.remove();
          const area = document.querySelector('.pagedjs_page .pagedjs_page_content') as HTMLElement;
          return { em, punct, areaWidth: area.getBoundingClientRect().width, areaHeight: area.getBoundingClientRect().height };
        }, run),
      );
    },
  });
  pdfFile = join(mkdtempSync(join(tmpdir(), 'juan-print-test-')), 'book.pdf');
  writeFileSync(pdfFile, result.pdf);
  pages = await readPdf(result.pdf);
}, 300_000);

const bodyPages = () => result.pageMap.pages.filter((p) => p.section === 'body');
const pageText = (n: number) => squeeze(pages[n - 1]!.text);
/** Top of the type area (pt from the page top): text above it is in the running-head margin. */
const areaTop = () => (pageGeometry(volume.meta.page, false).margins.top * 72) / 96 - 1;

describe('print PDF', () => {
  it('has 正16开 pages (185×260 mm) and a plausible page count', () => {
    expect(pages.length).toBe(result.pageMap.pageCount);
    expect(pages.length).toBeGreaterThanOrEqual(15);
    expect(pages.length).toBeLessThanOrEqual(40);
    for (const page of pages) {
      expect(Math.abs(page.width / PT_PER_MM - 185)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(page.height / PT_PER_MM - 260)).toBeLessThanOrEqual(0.5);
    }
  });

  it('prints bare body pages without margin or bleed boxes, and each stamp page with its one box', () => {
    expect(measured.body).toBeGreaterThan(10);
    expect(measured.bodyOutsideArea).toBe(0);
    expect(measured.stamps).toBeGreaterThan(10);
    expect(measured.stampBoxes).toBe(measured.stamps);
    expect(measured.stampBleeds).toBe(0);
    // the front matter prints its own furniture: its margin boxes stay
    expect(measured.frontBoxes).toBeGreaterThan(0);
  });

  it('sets the type area to 38 characters × 30 lines (book.yaml default) of the body size', () => {
    expect(measured.em).toBeCloseTo((10.5 * 4) / 3, 3);
    expect(measured.areaWidth! / measured.em!).toBeGreaterThanOrEqual(38);
    expect(measured.areaWidth! / measured.em!).toBeLessThan(38.05);
    expect(measured.areaHeight! / (measured.em! * 1.8)).toBeCloseTo(30, 1);
  });

  it('compresses adjacent punctuation 。」（ below 3 em', () => {
    expect(measured.punct).toBeLessThanOrEqual(2.01);
    expect(measured.punct).toBeGreaterThan(1.4);
  });

  it('prints the title page', () => {
    const text = pageText(1);
    const meta = volume.meta;
    expect(text).toContain(squeeze(meta.title));
    expect(text).toContain(squeeze(meta.subtitle!));
    expect(text).toContain('论文集');
    for (const o of meta.organisers) for (const name of o.names) expect(text).toContain(squeeze(name));
    expect(text).toContain('2018年10月');
    expect(result.pageMap.pages[0]).toMatchObject({ section: 'front', printed: false });
  });

  it('lists every paper in the 目录 with the folio of the page its title is on', () => {
    const tocPages = result.pageMap.pages.filter((p) => p.section === 'front' && pageText(p.page).includes('目录'));
    expect(tocPages.length).toBeGreaterThan(0);
    const toc = tocPages.map((p) => pageText(p.page)).join('');
    const firstBody = bodyPages()[0]!.page;
    for (const paper of papers) {
      const title = squeeze(paper.title);
      const m = new RegExp(`${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^·]*·{2,}(\\d+)`).exec(toc);
      expect(m, `目录 entry for ${paper.title}`).not.toBeNull();
      // The page where the title actually is: the first body page whose text contains it.
      const actual = pages.findIndex((p, i) => i + 1 >= firstBody && squeeze(p.text).includes(title)) + 1;
      expect(actual).toBeGreaterThan(0);
      const printedFolio = pageLines(pages[actual - 1]!).at(-1);
      expect(m![1]).toBe(printedFolio);
      expect(result.pageMap.targets[paper.id]).toEqual({ page: actual, folio: printedFolio });
    }
  });

  it('numbers the front matter in roman and the body in arabic from 1 on a recto', () => {
    const map = result.pageMap;
    for (const p of map.pages) expect(p.folio).toMatch(p.section === 'front' ? /^[ivxlc]+$/ : /^\d+$/);
    const first = bodyPages()[0]!;
    expect(first.folio).toBe('1');
    expect(first.page % 2).toBe(1);
    // Printed folios are really on the page, as its last line.
    for (const p of map.pages.filter((p) => p.printed)) expect(pageLines(pages[p.page - 1]!).at(-1)).toBe(p.folio);
    for (const p of map.pages.filter((p) => p.blank)) expect(pages[p.page - 1]!.items.length).toBe(0);
    // Every part opens on a recto part page without folio.
    for (const part of volume.parts) {
      const at = map.targets[part.id]!;
      expect(at.page % 2).toBe(1);
      expect(map.pages[at.page - 1]!.printed).toBe(false);
      expect(pageText(at.page)).toContain(squeeze(part.title));
    }
  });

  it('has running heads on continuation pages and none on first pages', async () => {
    const heads = await rectoHeads(volume);
    const starts = new Set(Object.values(result.pageMap.targets).map((t) => t.page));
    const topMargin = (page: PdfPage) => page.items.filter((i) => i.y < areaTop()).map((i) => i.str).join('');
    let checked = 0;
    for (const p of bodyPages()) {
      const page = pages[p.page - 1]!;
      if (p.blank || starts.has(p.page)) {
        expect(squeeze(topMargin(page)), `page ${p.page}`).toBe('');
        continue;
      }
      // The paper this page belongs to: the last paper starting before it.
      const paper = papers.filter((x) => result.pageMap.targets[x.id]!.page < p.page).at(-1)!;
      const expected = p.page % 2 === 0 ? versoHead(volume.meta) : heads.get(paper.id)!;
      expect(squeeze(topMargin(page)), `page ${p.page}`).toBe(squeeze(expected));
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('breaks no line against 禁则', () => {
    const badStart = /^[，。、；：？！）》」』”’]/;
    const badEnd = /[（《「『“‘]$/;
    const violations: string[] = [];
    for (const page of pages) for (const line of pageLines(page)) if (badStart.test(line) || badEnd.test(line)) violations.push(line);
    expect(violations).toEqual([]);
  });

  it('extracts no Kangxi radicals (U+2E80–U+2FDF)', () => {
    const all = pages.map((p) => p.text).join('');
    const radicals = [...all].filter((c) => c.codePointAt(0)! >= 0x2e80 && c.codePointAt(0)! <= 0x2fdf);
    expect(radicals).toEqual([]);
    expect(all).toContain('高质量');
  });

  it('embeds every font and has no Type 3 font', () => {
    const fonts = pdffonts(pdfFile);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((f) => !f.embedded)).toEqual([]);
    expect(fonts.filter((f) => /Type 3/.test(f.type))).toEqual([]);
    // Real weights: Serif regular, Sans medium/bold, WenKai.
    expect(fonts.some((f) => /NotoSerifSC/.test(f.name))).toBe(true);
    expect(fonts.some((f) => /NotoSansSC.*Bold/.test(f.name))).toBe(true);
    expect(fonts.some((f) => /LXGWWenKai/.test(f.name))).toBe(true);
    // Nothing from the system: every glyph, spaces included, comes from the book's own faces.
    expect(fonts.filter((f) => !/NotoSerifSC|NotoSansSC|LXGWWenKai/.test(f.name))).toEqual([]);
  });
});

describe('page map and HTML', () => {
  it('starts every body page in a block that exists in print.html', () => {
    const starts = result.pageMap.pageStarts;
    expect(starts.map((s) => s.page)).toEqual(bodyPages().map((p) => p.page));
    for (const s of starts) expect(result.html).toContain(`id="${s.blockId}"`);
    // A page that starts inside a paragraph points past the paragraph's start.
    expect(starts.some((s) => /-b\d+$/.test(s.blockId) && s.offset > 0)).toBe(true);
  });

  it('page offsets point at the text the page begins with', () => {
    const doc = new DOMParserLike(result.html);
    let checked = 0;
    for (const s of result.pageMap.pageStarts) {
      if (!/-b\d+$/.test(s.blockId) || s.offset === 0) continue;
      const text = [...doc.textOf(s.blockId)].slice(s.offset, s.offset + 6).join('');
      const page = pages[s.page - 1]!;
      const body = squeeze(pageLines({ ...page, items: page.items.filter((i) => i.y > areaTop()) }).join(''));
      expect(body.startsWith(squeeze(text)), `page ${s.page}: ${body.slice(0, 12)} vs ${text}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('is self-contained: lang, inlined CSS, fonts as relative assets that are returned', () => {
    expect(result.html).toMatch(/<html lang="zh-CN">/);
    expect(result.html).not.toMatch(/<link /);
    expect(result.html).not.toMatch(/paged(\.polyfill)?\.js/);
    // a file may serve several faces (a character one face lacks is taken from another: print/fonts.ts)
    const urls = new Set([...result.html.matchAll(/url\((assets\/fonts\/[^)]+)\)/g)].map((m) => m[1]));
    expect(urls.size).toBe(result.assets.length);
    expect(new Set(result.assets.map((a) => a.path))).toEqual(urls);
    // Only the slices the book needs, not all ~400.
    expect(result.assets.length).toBeLessThan(250);
    expect(result.uncovered).toEqual([]);
  });

  it('reports progress while pages are laid out, never past the page count, ending at it', () => {
    // Reports from inside a run: more than one per tab, fewer than one per page and tab when runs report as they go.
    expect(progress.filter((n) => n < result.pageMap.pageCount).length).toBeGreaterThan(1);
    expect(Math.max(...progress)).toBe(result.pageMap.pageCount);
    expect(progress.at(-1)).toBe(result.pageMap.pageCount);
  });
});

/** Minimal: the text of the element with an id in the serialized HTML (tags stripped, entities none). */
class DOMParserLike {
  constructor(private html: string) {}
  textOf(id: string): string {
    const start = this.html.indexOf(`id="${id}"`);
    const open = this.html.lastIndexOf('<', start);
    const tag = /^<(\w+)/.exec(this.html.slice(open))![1]!;
    const end = this.html.indexOf(`</${tag}>`, start);
    return this.html.slice(this.html.indexOf('>', start) + 1, end).replace(/<[^>]+>/g, '');
  }
}
