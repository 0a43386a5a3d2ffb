/**
 * Fonts for the print build: one subset per face with exactly the book's characters
 * (render/fonts/subset.ts), from the pinned @fontsource packages book.yaml names — no system
 * fonts. The browser loads a handful of small files instead of ~120 slices and a 7 MB Kai
 * font, in every tab.
 *
 * Every weight the CSS asks for is a real font file: with `font-synthesis: none` in
 * shared.css Chromium never fakes bold, so no Type 3 fonts end up in the PDF.
 */
import type { BookConfig } from '../../config/schema.ts';
import type { BuildCache } from '../../cache/store.ts';
import { fontProgram, subsetFace, type FaceSpec, type FontPart } from '../fonts/subset.ts';
import { needsGlyph } from '../fonts/fontsource.ts';
import { missingGlyphFont } from '../fonts/missing-glyph.ts';
import path from 'node:path';
import { coveredByContentFonts, KATEX_MAIN_OPERATORS, katexMainFile } from '../content/assets.ts';

/** CSS family names, as print.css/shared.css use them. */
export const FAMILY = {
  body: 'Noto Serif SC',
  heading: 'Noto Sans SC',
  kai: 'LXGW WenKai',
} as const;

/** The weights the stylesheets use, per role. Kai: @fontsource/lxgw-wenkai has 300/500/700 only; 500 is the regular-looking one. */
export const WEIGHTS = { body: [400, 700], heading: [500, 700], kai: [500] } as const;

/** Every face the print stylesheets use; the first is the body face, whose coverage decides what is reported as missing. */
export function printFaces(fonts: BookConfig['fonts']): FaceSpec[] {
  // glyph ids of the font files kept: a paper's PDF printed before an edit added a character to the book shares its faces with the rest (pdf/fonts.ts)
  return (['body', 'heading', 'kai'] as const).flatMap((role) => WEIGHTS[role].map((weight) => ({ pkg: fonts[role], family: FAMILY[role], weight, retainGids: true })));
}

export interface PrintFonts {
  parts: FontPart[];
  /** Visible characters no print face (nor KaTeX_Main) has: the body prints them as missing-glyph boxes. */
  uncovered: number[];
}

/**
 * Subsets of every print face with the characters `used`. A character a face lacks (and no
 * content font draws) is never left to Chromium's fallback, which ends in a system font (or, for
 * Kai, a system Kai before our Song): it gets a part of that face (@font-face with its
 * unicode-range) from another print face that has it — the same weight class first, then Song,
 * Hei, Kai — else KaTeX_Main for a math operator or arrow, else our missing-glyph font
 * (fonts/missing-glyph.ts): a box with the code point.
 */
export async function printFonts(fonts: BookConfig['fonts'], used: Iterable<number>, cache?: BuildCache): Promise<PrintFonts> {
  const codepoints = [...used];
  const faces = printFaces(fonts);
  const subsets = await Promise.all(faces.map((face) => subsetFace(face, codepoints, cache)));
  const own = subsets.map((s) => s.parts.map((part) => ({ part, has: new Set(part.codepoints) })));
  const parts = subsets.flatMap((s) => s.parts);
  const bold = (w: number) => w >= 600;
  const lacking: number[][] = [];
  for (const [i, face] of faces.entries()) {
    let left = subsets[i]!.uncovered.filter((cp) => needsGlyph(cp) && !coveredByContentFonts(cp));
    const donors = faces.map((_, k) => k).filter((k) => k !== i).sort((a, b) => Number(bold(faces[a]!.weight) !== bold(face.weight)) - Number(bold(faces[b]!.weight) !== bold(face.weight)) || a - b);
    for (const k of donors) {
      for (const { part, has } of own[k]!) {
        const taken = left.filter((cp) => has.has(cp));
        if (!taken.length) continue;
        parts.push({ ...part, family: face.family, weight: face.weight, codepoints: taken });
        left = left.filter((cp) => !has.has(cp));
      }
    }
    const operators = left.filter((cp) => KATEX_MAIN_OPERATORS.has(cp));
    if (operators.length) {
      const file = katexMainFile(face.weight);
      parts.push({ family: face.family, weight: face.weight, name: path.basename(file, '.woff2') + '.ttf', data: await fontProgram(file), format: 'truetype', codepoints: operators });
      left = left.filter((cp) => !KATEX_MAIN_OPERATORS.has(cp));
    }
    lacking.push(left);
  }
  const all = [...new Set(lacking.flat())].sort((a, b) => a - b);
  if (all.length) {
    const data = missingGlyphFont(all);
    faces.forEach((face, i) => {
      if (lacking[i]!.length) parts.push({ family: face.family, weight: face.weight, name: 'juan-missing-glyph.ttf', data, format: 'truetype', codepoints: lacking[i]! });
    });
  }
  return { parts, uncovered: lacking[0]! };
}
