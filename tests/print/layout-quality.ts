/**
 * What a book designer marks on the printed page, counted from the PDF's text (pdfjs, as a
 * viewer reads it) — not from the HTML. The HTML only says which texts are headings.
 *
 *   orphanChars   a paragraph's last line with fewer than two characters before its stop (孤字) — a
 *                 line that continues a paragraph (a one-line paragraph such as 「1、」 or 「（完）」 is none)
 *   badWraps      a wrapped title or heading whose last line has ≤ 2 characters
 *   headsAtFoot   a section heading (or a numbered bold head on a line of its own) with fewer than two
 *                 lines of text after it on its page (captions and table rows count, the folio does
 *                 not) while its section goes on on the next page
 *   widows        a paragraph's last line alone at the top of a page
 *   orphans       a paragraph's first line alone at the foot of a page
 *
 * Lines are classified by geometry: body lines are the page's body size; a paragraph's last
 * line ends short of the type area's right edge (the text is justified); a first line is
 * indented by 2 em.
 */
import { readPdfText, type TextLine } from '../../pipeline/check/pdf-text.ts';

export interface Finding { kind: 'orphanChars' | 'badWraps' | 'headsAtFoot' | 'widows' | 'orphans'; page: number; text: string }

const squeeze = (s: string) => s.replace(/\s+/g, '');
/** Characters that do not count as a character of the line (stops, brackets, quotes). */
const PUNCT = /[，。、；：？！“”‘’（）《》「」『』【】…—·,.;:?!()"'\s]/gu;
const chars = (s: string) => [...s.replace(PUNCT, '')].length;

/** Heading texts of the print HTML: paper titles (h3), section heads (h4–h6) and bold head lines (p.head-line). */
export function headingTexts(html: string): { titles: string[]; sections: string[] } {
  const pick = (re: RegExp) => [...html.matchAll(re)].map((m) => squeeze(m[1]!.replace(/<[^>]+>/g, '').replace(/&[a-z#0-9]+;/g, ' '))).filter(Boolean);
  return {
    titles: pick(/<h3[^>]*class="paper-title"[^>]*>(.*?)<\/h3>/gs),
    sections: [...pick(/<h[4-6][^>]*>(.*?)<\/h[4-6]>/gs), ...pick(/<p[^>]*class="[^"]*\bhead-line\b[^"]*"[^>]*>(.*?)<\/p>/gs)],
  };
}

export interface LayoutReport {
  findings: Finding[];
  /** How many headings and paragraph ends were found on the body pages (a counter that sees none proves nothing). */
  headings: number;
  paragraphEnds: number;
}

export async function layoutFindings(pdf: Uint8Array, html: string): Promise<LayoutReport> {
  const { titles, sections } = headingTexts(html);
  const { pages } = await readPdfText(pdf);
  const findings: Finding[] = [];
  let headings = 0;
  let paragraphEnds = 0;
  const all = pages.flatMap((p) => p.lines.map((l) => l.size));
  const body = mode(all.map((s) => Math.round(s * 10) / 10));
  // Body pages: from the first paper title on (扉页 and 目录 have lines of other shapes).
  const first = pages.findIndex((p) => p.lines.some((l) => l.size > body * 1.4 && titles[0] && squeeze(l.text).startsWith(titles[0].slice(0, 6))));
  const bodyPages = pages.slice(Math.max(first, 0));
  /** Does this page start with a title or heading (so the section before it ended on the page before)? */
  const startsWithHeading = (n: number) => {
    const line = pages[n - 1]?.lines.find((l) => l.size >= body * 0.95);
    const t = line ? squeeze(line.text) : '';
    return !line || [...titles, ...sections].some((h) => t.length >= Math.min(4, h.length) && h.startsWith(t));
  };
  const isFolio = (l: TextLine) => /^(\d+|[ivxlcdm]+)$/i.test(l.text.trim());
  for (const page of bodyPages) {
    const lines = page.lines.filter((l) => l.size >= body * 0.95);
    const bodyLines = lines.filter((l) => Math.abs(l.size - body) < 0.3);
    if (!bodyLines.length) continue;
    const left = Math.min(...bodyLines.map((l) => l.x));
    const right = Math.max(...bodyLines.map((l) => l.right));
    const heading = new Set<TextLine>();
    // Wrapped titles and headings: consecutive lines that together spell a heading text.
    for (const [i, line] of lines.entries()) {
      const t = squeeze(line.text);
      for (const [kind, texts] of [['title', titles], ['section', sections]] as const) {
        const h = texts.find((h) => t.length >= Math.min(4, h.length) && h.startsWith(t));
        if (!h) continue;
        let j = i;
        let acc = t;
        while (acc.length < h.length && j + 1 < lines.length && h.startsWith(acc + squeeze(lines[j + 1]!.text))) acc += squeeze(lines[++j]!.text);
        if (acc !== h) continue;
        for (let k = i; k <= j; k++) heading.add(lines[k]!);
        headings++;
        if (j > i && chars(lines[j]!.text) <= 2) findings.push({ kind: 'badWraps', page: page.page, text: lines[j]!.text });
        if (kind === 'section') {
          // every line of text below it on the page: body, captions, table rows (not the folio)
          const after = page.lines.filter((l) => l.top > lines[j]!.top + 0.5 && l.size >= body * 0.7 && !isFolio(l)).length;
          if (after < 2 && !startsWithHeading(page.page + 1)) findings.push({ kind: 'headsAtFoot', page: page.page, text: h });
        }
        break;
      }
    }
    const text = bodyLines.filter((l) => !heading.has(l));
    const isShort = (l: TextLine) => l.right < right - body * 0.9;
    const isIndented = (l: TextLine) => l.x > left + body * 1.5;
    for (const [k, line] of text.entries()) {
      if (isShort(line)) paragraphEnds++;
      // a paragraph's last line continues a full line above it (or, at the page top, the page before)
      const continues = k ? !isShort(text[k - 1]!) && !isIndented(line) : !isIndented(line);
      if (isShort(line) && continues && chars(line.text) < 2) findings.push({ kind: 'orphanChars', page: page.page, text: line.text });
    }
    const top = text[0];
    if (top && top === bodyLines[0] && !isIndented(top) && isShort(top)) findings.push({ kind: 'widows', page: page.page, text: top.text });
    const foot = text[text.length - 1];
    if (foot && foot === bodyLines[bodyLines.length - 1] && isIndented(foot) && !isShort(foot)) findings.push({ kind: 'orphans', page: page.page, text: foot.text });
  }
  return { findings, headings, paragraphEnds };
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

export function countFindings(findings: Finding[]): Record<Finding['kind'], number> {
  const counts = { orphanChars: 0, badWraps: 0, headsAtFoot: 0, widows: 0, orphans: 0 };
  for (const f of findings) counts[f.kind]++;
  return counts;
}
