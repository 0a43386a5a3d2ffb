/**
 * Page geometry from book.yaml → the @page rules and CSS variables print.css is set in.
 *
 * The type area is exactly `fontSize × charsPerLine` wide and `linesPerPage × line height`
 * tall. Chromium lays text out in 1/64 px units and Paged.js flows each page into a CSS
 * column whose width it rounds, so the line height is rounded to 1/64 px and the area gets
 * a quarter pixel of slack: 38 characters of 14 px must fit a 532 px line, not 531.99.
 */
import { TRIM_PRESETS, type BookConfig } from '../../config/schema.ts';
import { JuanError } from '../../report/errors.ts';
import { versoHead } from '../running-head.ts';

const PX_PER_PT = 96 / 72;
const PX_PER_MM = 96 / 25.4;
const SLACK_PX = 0.25;
/**
 * Print-ready: the slug (mm) outside the bleed on every side, where the crop marks are drawn —
 * a printer wants them outside the bleed, not in it. Paged.js draws its marks across the whole
 * CSS bleed up to --pagedjs-crop-offset from the trim, so the CSS bleed is bleed + slug and the
 * offset is the bleed plus a hair: the marks stop 0.5 mm outside the BleedBox (pdf/boxes.ts).
 */
export const SLUG_MM = 10;
/** Smallest margin we accept, in mm: running heads and folios live there. */
const MIN_MARGIN_MM = 8;

export interface PageGeometry {
  trim: { width: number; height: number }; // mm
  bleed: number; // mm, 0 unless print-ready
  fontSizePx: number;
  linePx: number;
  measurePx: number;
  areaHeightPx: number;
  margins: { top: number; bottom: number; inner: number; outer: number }; // px
}

const round64 = (px: number) => Math.round(px * 64) / 64;

export function pageGeometry(page: BookConfig['page'], printReady: boolean): PageGeometry {
  const trim = TRIM_PRESETS[page.trim];
  const fontSizePx = page.fontSize * PX_PER_PT;
  const linePx = round64(fontSizePx * page.lineHeight);
  const measurePx = fontSizePx * page.charsPerLine;
  const areaHeightPx = linePx * page.linesPerPage;
  const widthPx = trim.width * PX_PER_MM;
  const heightPx = trim.height * PX_PER_MM;
  const horizontal = widthPx - measurePx - SLACK_PX;
  const vertical = heightPx - areaHeightPx - SLACK_PX;
  const inner = horizontal * page.innerMarginRatio;
  const top = vertical * 0.45;
  const margins = { top, bottom: vertical - top, inner, outer: horizontal - inner };
  const smallest = Math.min(...Object.values(margins)) / PX_PER_MM;
  if (smallest < MIN_MARGIN_MM) {
    const maxLines = Math.floor((heightPx - 2 * MIN_MARGIN_MM * PX_PER_MM - SLACK_PX) / linePx);
    const maxChars = Math.floor((widthPx - 2 * MIN_MARGIN_MM * PX_PER_MM - SLACK_PX) / fontSizePx);
    throw new JuanError(
      'config',
      `版心超出成品尺寸：${page.trim} 上 ${page.charsPerLine} 字 × ${page.linesPerPage} 行（${page.fontSize}pt，行距 ${page.lineHeight}）只留 ${smallest.toFixed(1)} mm 页边，至少需要 ${MIN_MARGIN_MM} mm`,
      { source: 'page', hint: `在 book.yaml 的 page 中把 linesPerPage 调到 ${maxLines} 以下、charsPerLine 调到 ${maxChars} 以下，或换更大的 trim` },
    );
  }
  return { trim, bleed: printReady ? page.bleed : 0, fontSizePx, linePx, measurePx, areaHeightPx, margins };
}

/**
 * How far (pt) a page's content moves right when a verso becomes a recto: the inner minus the
 * outer margin as Chromium lays them out — pageCss writes them with 4 decimals and Blink
 * truncates lengths to 1/64 px (LayoutUnit); exact, a moved page was 0.005 pt off one printed there.
 */
export function sideShiftPt(margins: { inner: number; outer: number }): number {
  const laidOut = (px: number) => Math.trunc(+px.toFixed(4) * 64) / 64;
  return (laidOut(margins.inner) - laidOut(margins.outer)) * 0.75;
}

/** A CSS string literal. */
export function cssString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\a ')}"`;
}

/** The generated @page rules; print.css comes after and styles the margin boxes. */
export function pageCss(meta: BookConfig, printReady: boolean): string {
  const g = pageGeometry(meta.page, printReady);
  const px = (v: number) => `${+v.toFixed(4)}px`;
  return [
    `:root{--juan-font-size:${px(g.fontSizePx)};--juan-line:${px(g.linePx)};--juan-measure:${px(g.measurePx)};--juan-area-height:${px(g.areaHeightPx)};--juan-folio:"";}`,
    `@page{size:${g.trim.width}mm ${g.trim.height}mm;margin:${px(g.margins.top)} ${px(g.margins.outer)} ${px(g.margins.bottom)} ${px(g.margins.inner)};` +
      (printReady ? `bleed:${g.bleed + SLUG_MM}mm;marks:crop;` : '') +
      `}`,
    ...(printReady ? [`.pagedjs_page{--pagedjs-crop-offset:${g.bleed + 0.5}mm;--pagedjs-crop-stroke:0.25pt;--pagedjs-crop-shadow:transparent;}`] : []),
    `@page :left{margin-left:${px(g.margins.outer)};margin-right:${px(g.margins.inner)};@top-center{content:${cssString(versoHead(meta))};}}`,
    `@page :right{margin-left:${px(g.margins.inner)};margin-right:${px(g.margins.outer)};}`,
    // No bleed, no crop marks: their boxes (20 elements a page) need no style or layout.
    ...(printReady ? [] : ['.pagedjs_bleed{display:none;}']),
  ].join('\n');
}
