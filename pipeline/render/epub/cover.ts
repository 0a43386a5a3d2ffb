/**
 * The cover image, generated from book.yaml (title, subtitle, genre, date, publisher) as an SVG
 * whose text is drawn as glyph outlines (no font needed in the reading system, no text
 * rendering differences). Pure function of the metadata and the pinned fonts: same bytes on
 * every build and every machine. EPUB 3 allows an `image/svg+xml` cover-image.
 */
import type { BookConfig } from '../../config/schema.ts';
import { shapeLine } from '../fonts/shape.ts';
import { chineseDate } from '../book-text.ts';

const WIDTH = 1600;
const HEIGHT = 2400;
const MARGIN = 160;

interface Line {
  text: string;
  /** Font size in px (1 em). */
  size: number;
  /** Baseline y. */
  y: number;
  weight: number;
  fill: string;
}


function fmt(n: number, digits = 2): string {
  const f = 10 ** digits;
  return String(Math.round(n * f) / f);
}

async function drawLine(meta: BookConfig, line: Line): Promise<string> {
  // Hei for every line: the @fontsource Kai package (lxgw-wenkai) ships Latin glyphs only.
  const pkg = meta.fonts.heading;
  const { glyphs, width } = await shapeLine(pkg, line.weight, line.text);
  // Shrink a line that would not fit between the margins.
  const size = Math.min(line.size, ((WIDTH - 2 * MARGIN) / Math.max(width, 1)) * 1000);
  const scale = size / 1000;
  const x0 = (WIDTH - width * scale) / 2;
  const paths = glyphs
    .filter((g) => g.path)
    .map((g) => `<path transform="translate(${fmt(x0 + g.x * scale)} ${fmt(line.y)}) scale(${fmt(scale, 5)} ${fmt(-scale, 5)})" d="${g.path}"/>`);
  return `<g fill="${line.fill}">${paths.join('')}</g>`;
}

/** SVG cover bytes (UTF-8) and its text alternative. */
/** Bump when the drawing below changes (cached covers are keyed by it). */
export const COVER_VERSION = 'cover-2';

export async function coverSvg(meta: BookConfig): Promise<{ svg: string; alt: string }> {
  const lines: Line[] = [];
  const title = meta.title;
  lines.push({ text: title, size: 132, y: 900, weight: 700, fill: '#fdf8ee' });
  if (meta.subtitle) lines.push({ text: `——${meta.subtitle}`, size: 64, y: 1060, weight: 400, fill: '#fdf8ee' });
  if (meta.genre) lines.push({ text: meta.genre, size: 72, y: 1300, weight: 400, fill: '#3b2a20' });
  if (meta.publisher) lines.push({ text: meta.publisher, size: 56, y: 2040, weight: 400, fill: '#3b2a20' });
  if (meta.date) lines.push({ text: chineseDate(meta.date), size: 56, y: 2140, weight: 400, fill: '#3b2a20' });
  const drawn = await Promise.all(lines.map((line) => drawLine(meta, line)));
  const alt = ['封面', title, meta.subtitle ? `——${meta.subtitle}` : '', meta.genre ?? '', meta.publisher ?? '', chineseDate(meta.date)].filter(Boolean).join('　');
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(alt)}">\n` +
    `<title>${escapeXml(alt)}</title>\n` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#f3ead8"/>\n` +
    `<rect y="560" width="${WIDTH}" height="640" fill="#8e1f1a"/>\n` +
    `<rect y="1208" width="${WIDTH}" height="8" fill="#8e1f1a"/>\n` +
    drawn.join('\n') +
    `\n</svg>\n`;
  return { svg, alt };
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
