/**
 * The lost-text check: every Han character of the manuscript's units is printed exactly as often
 * as it is written. "At least as often" over the whole PDF passed by accident: running heads
 * repeat the book's and the papers' titles on every page, 续表 repeats a table's header row, the
 * 目录 repeats the titles, so a dropped paragraph made of those characters went unnoticed. Here
 * only the type area of the body pages is read (running heads and folios live in the margins:
 * page-css.ts), what the layout repeats on purpose (each 续表N caption with its table's header
 * row again, each note continuation's 「（续）」) is taken out, and the counts must be equal both
 * ways: missing characters are lost text, surplus ones are text printed twice.
 */
import type { BookConfig } from '../../pipeline/config/schema.ts';
import { pageGeometry } from '../../pipeline/render/print/page-css.ts';
import { pageLines, squeeze, type PdfPage } from '../print/helpers.ts';

const PT_PER_PX = 0.75;

/** Han characters of a text, counted. */
export function hanCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ch of text.match(/\p{Script=Han}/gu) ?? []) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

/** The lines inside the type area of physical pages `from`…end (running heads and folios left out). */
export function typeAreaLines(pages: PdfPage[], page: BookConfig['page'], from: number): string[] {
  const { margins } = pageGeometry(page, false);
  const top = margins.top * PT_PER_PX;
  const bottom = margins.bottom * PT_PER_PX;
  return pages.slice(from - 1).flatMap((p) => pageLines({ ...p, items: p.items.filter((i) => i.y > top && i.y < p.height - bottom) }));
}

/** What the layout prints again on purpose: per 续表N line its caption and table N's header row, per note continuation 「（续）」. */
export function repeatedText(lines: string[], printHtml: string): string {
  const headers = new Map<string, string>();
  for (const m of printHtml.matchAll(/<table[^>]*data-table-label="([^"]+)"[^>]*>([\s\S]*?)<\/table>/g)) {
    const thead = /<thead[^>]*>([\s\S]*?)<\/thead>/.exec(m[2]!);
    headers.set(squeeze(m[1]!), thead ? thead[1]!.replace(/<[^>]+>/g, '') : '');
  }
  let out = '';
  for (const line of lines.map(squeeze)) {
    // any label the tables carry: 表1, 表1.1, 表 A-2
    const cont = /^续(.+)$/.exec(line);
    if (cont && headers.has(cont[1]!)) out += line + headers.get(cont[1]!)!;
    if (line.startsWith('（续）')) out += '（续）';
  }
  return out;
}

export interface TextDiff {
  /** Characters written more often than printed: `字×n`. */
  lost: string[];
  /** Characters printed more often than written. */
  extra: string[];
}

/** Compare the Han characters written (`source`) with those printed, less what is repeated on purpose. */
export function compareHan(source: string, printed: string, repeated: string): TextDiff {
  const want = hanCounts(source);
  const got = hanCounts(printed);
  for (const [ch, n] of hanCounts(repeated)) got.set(ch, (got.get(ch) ?? 0) - n);
  const lost: string[] = [];
  const extra: string[] = [];
  for (const ch of new Set([...want.keys(), ...got.keys()])) {
    const d = (want.get(ch) ?? 0) - (got.get(ch) ?? 0);
    if (d > 0) lost.push(`${ch}×${d}`);
    if (d < 0) extra.push(`${ch}×${-d}`);
  }
  return { lost, extra };
}
