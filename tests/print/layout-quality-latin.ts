/**
 * Latin words (and numbers) spread apart by justification — 「O p e n A I」 — read from where the
 * PDF actually places each glyph. Chromium writes every glyph with its own position (Td / TJ), so
 * the extra space between two glyphs is the distance to the next glyph minus the first glyph's
 * advance. Justification may stretch between Han characters and at spaces; inside a run of Latin
 * letters or digits every gap must stay the font's own (kerning is a few hundredths of an em and
 * never widens every pair of a word).
 */
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface SpreadWord { page: number; word: string; /** smallest extra gap inside the word, in em */ gap: number }

export interface Glyph { ch: string; x: number; y: number; adv: number; size: number }

/** A gap wider than this (in em of the font size) between every pair of a word's glyphs is letter-spacing. */
export const SPREAD_EM = 0.04;
const ALNUM = /^[A-Za-z0-9]$/;
const MAX_SPREAD_EM = 0.5;

/** Every glyph of a page with its position and advance in text space (one unit per point of font size). */
export async function glyphs(page: Awaited<ReturnType<Awaited<ReturnType<typeof getDocument>['promise']>['getPage']>>): Promise<Glyph[]> {
  const ops = await page.getOperatorList();
  const out: Glyph[] = [];
  let size = 0;
  let charSpacing = 0;
  let wordSpacing = 0;
  let lineX = 0;
  let lineY = 0;
  let x = 0;
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[];
    if (fn === OPS.setFont) size = Math.abs(args[1] as number);
    else if (fn === OPS.setCharSpacing) charSpacing = args[0] as number;
    else if (fn === OPS.setWordSpacing) wordSpacing = args[0] as number;
    else if (fn === OPS.setTextMatrix) {
      const m = args[0] as ArrayLike<number>;
      lineX = x = m[4]!;
      lineY = m[5]!;
    } else if (fn === OPS.moveText || fn === OPS.setLeadingMoveText) {
      lineX += args[0] as number;
      lineY += args[1] as number;
      x = lineX;
    } else if (fn === OPS.beginText) {
      lineX = lineY = x = 0;
    } else if (fn === OPS.showText || fn === OPS.showSpacedText) {
      for (const g of args[0] as Array<number | { unicode: string; width: number; isSpace?: boolean }>) {
        if (typeof g === 'number') { x -= (g / 1000) * size; continue; }
        const adv = (g.width / 1000) * size + charSpacing + (g.isSpace ? wordSpacing : 0);
        out.push({ ch: g.unicode, x, y: lineY, adv: (g.width / 1000) * size, size });
        x += adv;
      }
    }
  }
  return out;
}

/** Runs of two or more Latin letters/digits whose every inner gap is wider than SPREAD_EM. */
export function spreadWords(page: number, gs: Glyph[]): SpreadWord[] {
  const found: SpreadWord[] = [];
  let run: Glyph[] = [];
  let gaps: number[] = [];
  const flush = () => {
    if (run.length >= 2 && gaps.every((g) => g > SPREAD_EM)) found.push({ page, word: run.map((g) => g.ch).join(''), gap: Math.min(...gaps) });
    run = [];
    gaps = [];
  };
  for (const g of gs) {
    const prev = run[run.length - 1];
    if (!ALNUM.test(g.ch)) { flush(); continue; }
    // a gap of half an em or more is a space or another cell of a table, not letter-spacing
    if (prev && Math.abs(prev.y - g.y) < 0.01 && Math.abs(prev.size - g.size) < 0.01 && g.x > prev.x && (g.x - prev.x - prev.adv) / g.size < MAX_SPREAD_EM) {
      run.push(g);
      gaps.push((g.x - (prev.x + prev.adv)) / g.size);
    } else {
      flush();
      run = [g];
    }
  }
  flush();
  return found;
}

/** Each page's glyphs (1-based page numbers), in page order. */
export async function eachPageGlyphs(pdf: Uint8Array, onPage: (page: number, gs: Glyph[]) => void): Promise<void> {
  const doc = await getDocument({ data: pdf, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    for (let n = 1; n <= doc.numPages; n++) onPage(n, await glyphs(await doc.getPage(n)));
  } finally {
    await doc.destroy();
  }
}

/** Latin words spread apart anywhere in a PDF, and how many Latin words of two or more glyphs it has. */
export async function latinSpread(pdf: Uint8Array): Promise<{ spread: SpreadWord[]; words: number }> {
  const spread: SpreadWord[] = [];
  let words = 0;
  await eachPageGlyphs(pdf, (n, gs) => {
    spread.push(...spreadWords(n, gs));
    words += gs.filter((g, i) => ALNUM.test(g.ch) && ALNUM.test(gs[i + 1]?.ch ?? '') && !ALNUM.test(gs[i - 1]?.ch ?? '')).length;
  });
  return { spread, words };
}
