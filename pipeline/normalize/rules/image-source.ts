/**
 * image-source — which images a manuscript may load, checked before anything reads them
 * (conventions.md "Input safety"). Remote images (`http:`, `data:`…), absolute paths
 * (`file:///etc/…`, `/etc/…`) and paths that climb out of the manuscript folder (`../..`) are
 * refused. A relative path is resolved to its real path (symlinks followed) and must still lie
 * inside the manuscript's folder; the format is sniffed from the bytes (PNG, JPEG, SVG — not the
 * file name); a declared pixel size over MAX_SIDE or MAX_PIXELS (a decompression bomb) is
 * refused; an SVG is sanitised (no script, event handlers, foreignObject, style, external href).
 * A refused image is removed and reported; an accepted one carries `data.juanImage` (the bytes
 * as a data: URI, its size), which the writers embed — they never read the disk themselves.
 * Preflight: a warning when a raster image would print below MIN_DPI across the type area.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Image, Nodes } from 'mdast';
import type { Element, ElementContent, Root as HastRoot } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import { imageSize } from 'image-size';
import { defineRule, type RuleExamples } from '../define-rule.ts';
import { pruneTree } from '../text.ts';

export const examples: RuleExamples = {
  ok: ['# 标题\n\n正文没有图片。\n', '# 标题\n\n![图1 柱状图](tests/fixtures/content/图/产值.png)\n'],
  notOk: [
    { in: '# 标题\n\n![机密](file:///etc/passwd)\n\n正文。\n', out: '# 标题\n\n正文。\n', messages: ['3:1 image-source'] },
    { in: '# 标题\n\n见图![越界](../../etc/hostname)。\n', out: '# 标题\n\n见图。\n', messages: ['3:3 image-source'] },
    { in: '# 标题\n\n![远程](http://example.com/a.png)\n', out: '# 标题\n', messages: ['3:1 image-source'] },
    { in: '# 标题\n\n![图一](img/fig1.png)\n', out: '# 标题\n', messages: ['3:1 image-source'] },
    // a Markdown file is not an image, whatever the link says
    { in: '# 标题\n\n![假图](README.md)\n', out: '# 标题\n', messages: ['3:1 image-source'] },
  ],
};

/** Longest side and pixel count we accept (a 30000×30000 header is a decompression bomb). */
export const MAX_SIDE = 12000;
export const MAX_PIXELS = 60_000_000;
/** Preflight floor for a raster image at its printed size (typography.md: 300 wanted, 200 the floor). */
export const MIN_DPI = 200;
/** Largest image file read at all. */
const MAX_BYTES = 30 * 1024 * 1024;

export interface JuanImage {
  format: 'png' | 'jpeg' | 'svg';
  mime: string;
  /** `data:` URI of the (sanitised) bytes: what print and EPUB embed. */
  src: string;
  /** Pixel size (SVG: its declared or viewBox size, may be 0). */
  width: number;
  height: number;
  /** Real path of the file (for messages). */
  file: string;
}

declare module 'mdast' {
  interface Data {
    juanImage?: JuanImage;
  }
}

function sniff(bytes: Uint8Array): JuanImage['format'] | null {
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(head)) return 'svg';
  return null;
}

const SVG_DROP = new Set(['script', 'foreignObject', 'foreignobject', 'style', 'iframe', 'object', 'embed', 'audio', 'video', 'animate', 'set', 'animateMotion', 'animateTransform']);

/** SVG without anything that runs, loads or reaches out: only local `#…` references survive. */
export function sanitizeSvg(text: string): { svg: string; width: number; height: number } | null {
  const tree = fromHtml(text, { fragment: true, space: 'svg' }) as HastRoot;
  const root = tree.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
  if (!root) return null;
  const clean = (el: Element): Element => {
    const props: Element['properties'] = {};
    for (const [key, value] of Object.entries(el.properties ?? {})) {
      if (/^on/i.test(key)) continue;
      const v = Array.isArray(value) ? value.join(' ') : String(value);
      if (/href$/i.test(key) && !v.trim().startsWith('#')) continue;
      if (/url\(\s*['"]?(?!#)/i.test(v) || /javascript:/i.test(v)) continue;
      props[key] = value;
    }
    const children = el.children
      .filter((c) => c.type === 'text' || (c.type === 'element' && !SVG_DROP.has(c.tagName)))
      .map((c) => (c.type === 'element' ? clean(c) : c)) as ElementContent[];
    return { ...el, properties: props, children };
  };
  const svg = clean(root);
  const num = (v: unknown) => (typeof v === 'number' ? v : parseFloat(String(v ?? ''))) || 0;
  let width = num(svg.properties.width);
  let height = num(svg.properties.height);
  const box = String(svg.properties.viewBox ?? '').split(/[\s,]+/).map(Number);
  if ((!width || !height) && box.length === 4) [width, height] = [box[2]!, box[3]!];
  if (!svg.properties.xmlns) svg.properties.xmlns = 'http://www.w3.org/2000/svg';
  return { svg: toHtml(svg, { space: 'svg' }), width, height };
}

/** Check one image link; a reason (Chinese) when refused, else the image. */
export function inspectImage(url: string, manuscriptPath: string): { image: JuanImage } | { refused: string } {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return { refused: '拒绝加载书稿以外的图片（远程或 file: 地址）' };
  if (url.startsWith('/') || url.startsWith('\\')) return { refused: '拒绝加载书稿文件夹以外的图片（绝对路径）' };
  let relative = url;
  try { relative = decodeURI(url); } catch { /* keep as written */ }
  if (relative.split(/[\\/]/).includes('..')) return { refused: '拒绝加载书稿文件夹以外的图片（路径含 ..）' };
  const folder = path.dirname(path.resolve(manuscriptPath));
  let real: string;
  let realFolder: string;
  try {
    realFolder = realpathSync(folder);
    real = realpathSync(path.resolve(folder, relative));
  } catch {
    return { refused: '找不到图片文件，已从正文移除' };
  }
  if (!real.startsWith(realFolder + path.sep)) return { refused: '拒绝加载书稿文件夹以外的图片（链接指向文件夹之外）' };
  const stat = statSync(real);
  if (!stat.isFile()) return { refused: '图片路径不是文件，已从正文移除' };
  if (stat.size > MAX_BYTES) return { refused: `图片文件过大（${(stat.size / 1048576).toFixed(0)} MB），已从正文移除` };
  const bytes = readFileSync(real);
  const format = sniff(bytes);
  if (!format) return { refused: '不是 PNG、JPEG 或 SVG 图片（按文件内容判断），已从正文移除' };
  if (format === 'svg') {
    const clean = sanitizeSvg(bytes.toString('utf8'));
    if (!clean) return { refused: 'SVG 图片无法解析，已从正文移除' };
    const src = `data:image/svg+xml;base64,${Buffer.from(clean.svg).toString('base64')}`;
    return { image: { format, mime: 'image/svg+xml', src, width: clean.width, height: clean.height, file: real } };
  }
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    return { refused: '图片文件已损坏，读不出尺寸，已从正文移除' };
  }
  const width = size.width ?? 0;
  const height = size.height ?? 0;
  if (!width || !height || width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
    return { refused: `图片像素尺寸不合理（${width}×${height}，上限每边 ${MAX_SIDE}、共 ${MAX_PIXELS / 1e6} 百万像素），已从正文移除` };
  }
  const mime = format === 'png' ? 'image/png' : 'image/jpeg';
  return { image: { format, mime, src: `data:${mime};base64,${bytes.toString('base64')}`, width, height, file: real } };
}

/** Dots per inch of a raster image set across the type area (how figures print; content.css). */
export function printedDpi(image: JuanImage, typeAreaWidthPt: number, maxHeightPt: number): number {
  const scale = Math.min(typeAreaWidthPt / image.width, maxHeightPt / image.height);
  return 72 / scale;
}

export default defineRule({ id: 'image-source' }, (tree, file, ctx) => {
  const page = ctx.config?.page;
  const areaWidth = (page?.fontSize ?? 10.5) * (page?.charsPerLine ?? 38);
  const areaHeight = (page?.fontSize ?? 10.5) * (page?.lineHeight ?? 1.8) * (page?.linesPerPage ?? 30);
  pruneTree(tree, (child) => {
    if (child.type === 'imageReference') {
      ctx.warn(`图片引用「[${child.identifier}]」暂不支持，请写作 ![图1 标题](图/文件.png)，已从正文移除`, ctx.at(child as Nodes));
      return false;
    }
    if (child.type !== 'image') return true;
    const result = inspectImage(child.url, file.path || 'manuscript.md');
    if ('refused' in result) {
      ctx.warn(`${result.refused}：「${child.url}」`, ctx.at(child as Nodes));
      return false;
    }
    const image = result.image;
    (child as Image).data = { ...child.data, juanImage: image };
    if (image.format !== 'svg') {
      const dpi = printedDpi(image, areaWidth, areaHeight * FIGURE_MAX_HEIGHT);
      if (dpi < MIN_DPI) ctx.warn(`图片分辨率偏低：印刷时约 ${Math.round(dpi)} dpi（至少 ${MIN_DPI}，最好 300）：「${child.url}」（${image.width}×${image.height} 像素）`, ctx.at(child as Nodes));
    }
    return true;
  });
});

/** A figure's image is at most this share of the type area's height (content.css says the same). */
export const FIGURE_MAX_HEIGHT = 0.7;
