/**
 * Fonts for the print build, all from pinned @fontsource packages (no system fonts).
 *
 * Noto Serif SC and Noto Sans SC come as ~100 woff2 slices per weight, each with a
 * `unicode-range`; we keep only the slices whose range intersects the characters the book
 * uses, and write our own @font-face rules pointing at `assets/fonts/<file>.woff2`.
 * LXGW WenKai ships one whole font per weight (no unicode-range).
 *
 * Every weight the CSS asks for is a real font file: with `font-synthesis: none` in
 * shared.css Chromium never fakes bold, so no Type 3 fonts end up in the PDF.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BookConfig } from '../../config/schema.ts';

const require = createRequire(import.meta.url);

/** CSS family names, as print.css/shared.css use them. */
export const FAMILY = {
  body: 'Noto Serif SC',
  heading: 'Noto Sans SC',
  kai: 'LXGW WenKai',
} as const;

/** The weights the stylesheets use, per role. Kai: @fontsource/lxgw-wenkai has 300/500/700 only; 500 is the regular-looking one. */
export const WEIGHTS = { body: [400, 700], heading: [500, 700], kai: [500] } as const;

export interface FontSlice {
  family: string;
  weight: number;
  /** Absolute path of the woff2 file. */
  file: string;
  /** Name under assets/fonts/. */
  name: string;
  /** Inclusive code point ranges, or null when the face declares none (covers what the file has). */
  ranges: Array<[number, number]> | null;
  unicodeRange: string | null;
}

/** Parse `U+4e00-4eff,U+3000` into inclusive ranges. */
export function parseUnicodeRange(value: string): Array<[number, number]> {
  return value.split(',').map((part) => {
    const m = /^\s*U\+([0-9a-f?]+)(?:-([0-9a-f]+))?\s*$/i.exec(part);
    if (!m) throw new Error(`bad unicode-range part: ${part}`);
    if (m[1]!.includes('?')) {
      return [parseInt(m[1]!.replace(/\?/g, '0'), 16), parseInt(m[1]!.replace(/\?/g, 'f'), 16)] as [number, number];
    }
    const lo = parseInt(m[1]!, 16);
    return [lo, m[2] ? parseInt(m[2], 16) : lo] as [number, number];
  });
}

function inRanges(cp: number, ranges: Array<[number, number]>): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** The @font-face slices of one @fontsource package and weight. */
export function fontsourceFaces(pkg: string, weight: number): FontSlice[] {
  const cssPath = require.resolve(`@fontsource/${pkg}/${weight}.css`);
  const dir = path.dirname(cssPath);
  const css = readFileSync(cssPath, 'utf8');
  const faces: FontSlice[] = [];
  for (const block of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
    const body = block[1]!;
    const family = /font-family:\s*'([^']+)'/.exec(body)?.[1];
    const style = /font-style:\s*(\w+)/.exec(body)?.[1];
    const w = Number(/font-weight:\s*(\d+)/.exec(body)?.[1]);
    const src = /url\(([^)]+\.woff2)\)/.exec(body)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(body)?.[1]?.trim() ?? null;
    if (!family || !src || style !== 'normal') continue;
    const file = path.resolve(dir, src);
    faces.push({ family, weight: w, file, name: path.basename(file), ranges: range ? parseUnicodeRange(range) : null, unicodeRange: range });
  }
  if (faces.length === 0) throw new Error(`no @font-face in ${cssPath}`);
  return faces;
}

/** All faces the book may use, by role, from the packages book.yaml names. */
export function bookFaces(fonts: BookConfig['fonts']): FontSlice[] {
  return [
    ...WEIGHTS.body.flatMap((w) => fontsourceFaces(fonts.body, w)),
    ...WEIGHTS.heading.flatMap((w) => fontsourceFaces(fonts.heading, w)),
    ...WEIGHTS.kai.flatMap((w) => fontsourceFaces(fonts.kai, w)),
  ];
}

/** Code points that need no glyph (whitespace, controls, joiners). */
function needsGlyph(cp: number): boolean {
  return !(cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0x3000 || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff);
}

/** The distinct code points of a text that need a glyph. */
export function usedCodePoints(text: string): Set<number> {
  const set = new Set<number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (needsGlyph(cp)) set.add(cp);
  }
  return set;
}

/** Slices to load: those whose range meets a used character (faces without a range are always kept). */
export function selectSlices(faces: FontSlice[], used: Set<number>): FontSlice[] {
  return faces.filter((f) => !f.ranges || [...used].some((cp) => inRanges(cp, f.ranges!)));
}

/**
 * Characters none of the ranged faces covers. Faces without a unicode-range (LXGW WenKai)
 * are not counted as coverage: they only set units and quotes, with the Song face as fallback.
 */
export function uncoveredCodePoints(faces: FontSlice[], used: Set<number>): number[] {
  const ranged = faces.filter((f) => f.ranges);
  return [...used].filter((cp) => !ranged.some((f) => inRanges(cp, f.ranges!))).sort((a, b) => a - b);
}

/** @font-face rules pointing at `${base}/<name>`. */
export function fontFaceCss(slices: FontSlice[], base = 'assets/fonts'): string {
  return slices
    .map(
      (f) =>
        `@font-face{font-family:'${f.family}';font-style:normal;font-weight:${f.weight};font-display:block;` +
        `src:url(${base}/${f.name}) format('woff2');${f.unicodeRange ? `unicode-range:${f.unicodeRange};` : ''}}`,
    )
    .join('\n');
}
