/**
 * Loose lines: a justified line whose Han characters are pulled apart because the next word
 * (a long inline code, a URL) cannot start on it — 「我 们 已 经 为 此 开 了 一 个」. Read from where
 * the PDF places each glyph (layout-quality-latin.ts glyphs): the extra space between two Han
 * characters is the distance to the next one minus the first one's advance. Traditional 拉字
 * spreads a line by a small fraction of an em; a line whose every Han pair is spread by more than
 * LOOSE_EM is a fault a designer marks.
 */
import { eachPageGlyphs, type Glyph } from './layout-quality-latin.ts';

export interface LooseLine {
  page: number;
  text: string;
  /** the smallest extra gap between two Han characters of the line, in em */
  gap: number;
  /** what the next line starts with when it is a Latin word, number, URL or formula too long to join the line (no hyphenation: Chromium has no dictionary offline) */
  beforeWord: string | null;
}

/** Extra space between every two Han characters of a line above which it reads as letter-spaced. */
export const LOOSE_EM = 0.2;
/** Fewer Han pairs than this on a line say nothing (a short line, a table cell). */
const MIN_PAIRS = 5;
/** A Latin word (URL, formula) this long cannot follow a short Chinese line without spreading it (~4 em and more). */
const LONG_WORD = 8;
const HAN = /^\p{Script=Han}$/u;

/** The page's glyphs as lines: same baseline and size, left to right. */
function lines(gs: Glyph[]): Glyph[][] {
  const out: Glyph[][] = [];
  for (const g of gs) {
    const line = out[out.length - 1];
    const prev = line?.[line.length - 1];
    if (prev && Math.abs(prev.y - g.y) < 0.01 && Math.abs(prev.size - g.size) < 0.01 && g.x >= prev.x) line!.push(g);
    else out.push([g]);
  }
  return out;
}

export function looseLines(page: number, gs: Glyph[]): LooseLine[] {
  const found: LooseLine[] = [];
  const all = lines(gs);
  for (const line of all) {
    const gaps: number[] = [];
    for (let i = 1; i < line.length; i++) {
      const a = line[i - 1]!;
      const b = line[i]!;
      if (HAN.test(a.ch) && HAN.test(b.ch)) gaps.push((b.x - (a.x + a.adv)) / b.size);
    }
    if (gaps.length < MIN_PAIRS) continue;
    // justification spreads every pair alike; a table row has cells with no space inside them
    const least = Math.min(...gaps);
    if (least <= LOOSE_EM) continue;
    // the next line as the reader sees it: every glyph one line below (Chromium's text space runs downwards;
    // formulas sit off the baseline; their 1-pt struts are no text), left to right
    const { y, size } = line[0]!;
    const next = gs.filter((g) => g.y > y + 0.6 * size && g.y < y + 2.5 * size && g.size > 2).sort((a, b) => a.x - b.x).map((g) => g.ch).join('');
    // what opens the next line up to its first space, Han character or CJK punctuation
    const word = /^[^\s\p{Script=Han}\u3000-\u303f\uff00-\uffef]+/u.exec(next)?.[0] ?? '';
    found.push({ page, text: line.map((g) => g.ch).join(''), gap: Math.round(least * 100) / 100, beforeWord: word.length >= LONG_WORD ? word : null });
  }
  return found;
}

/** Loose lines anywhere in a PDF, and how many lines with enough Han pairs it has. */
export async function looseHanLines(pdf: Uint8Array): Promise<{ loose: LooseLine[]; lines: number }> {
  const loose: LooseLine[] = [];
  let counted = 0;
  await eachPageGlyphs(pdf, (n, gs) => {
    loose.push(...looseLines(n, gs));
    counted += lines(gs).filter((l) => l.filter((g, i) => i > 0 && HAN.test(g.ch) && HAN.test(l[i - 1]!.ch)).length >= MIN_PAIRS).length;
  });
  return { loose, lines: counted };
}
