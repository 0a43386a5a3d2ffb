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
import { subsetFace, type FaceSpec, type FontPart } from '../fonts/subset.ts';
import { needsGlyph } from '../fonts/fontsource.ts';

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
  /** Visible characters the body face does not have (they would print in a fallback font, or not at all). */
  uncovered: number[];
}

/** Subsets of every print face with the characters `used`. */
export async function printFonts(fonts: BookConfig['fonts'], used: Iterable<number>, cache?: BuildCache): Promise<PrintFonts> {
  const codepoints = [...used];
  const subsets = await Promise.all(printFaces(fonts).map((face) => subsetFace(face, codepoints, cache)));
  return { parts: subsets.flatMap((s) => s.parts), uncovered: subsets[0]!.uncovered.filter(needsGlyph) };
}
