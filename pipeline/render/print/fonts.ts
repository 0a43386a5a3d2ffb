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
import { contentGeneratedText, coveredByContentFonts, KATEX_MAIN_OPERATORS, katexMainFile } from '../content/assets.ts';
import { versoHead } from '../running-head.ts';
import { chineseDate } from '../book-text.ts';
import { circled, mathText } from '../content/index.ts';
import { usedCodePoints } from '../fonts/fontsource.ts';
import type { Volume } from '../../model/types.ts';
import type { Node, Parent } from 'unist';

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

/** Strings the stylesheets print that are not in the HTML: folios, leader dots. */
const GENERATED_TEXT = '0123456789ivxlcdm()·…';

/** What the stylesheets may print besides the HTML's text: folios, leaders, the verso running head (and the CSS itself). */
export function stylesheetText(styles: { page: string; shared: string; print: string }, meta: BookConfig): string {
  return GENERATED_TEXT + styles.page + styles.shared + styles.print + versoHead(meta);
}

/** The characters the print book has: its chunks' HTML and `generated` (stylesheetText), what its subsets must hold. */
export function printedCodePoints(bodies: string[], generated: string): Set<number> {
  const html = bodies.join('');
  return usedCodePoints(html + generated + contentGeneratedText(html));
}

/** Printable ASCII: the markup of the print HTML (tags, attributes, character references). */
const ASCII = Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)).join('');

/**
 * What the print HTML has besides the model's text: the 目录 heading, an image's alt text without
 * a caption, 续表, the brackets of a link's address, the organisers' 「单位：」, no-break and
 * zero-width spaces (code lines).
 */
const CHROME = '目录插图续表（）单位：\u00a0\u200b';

/**
 * The characters the print HTML of `volume` may have, known before it is built: every string of
 * the model (text, titles, units, alt texts, addresses…), what its formulas are typeset into,
 * printable ASCII, the footnote markers and code lines' zero-width spaces, 续表's characters, and
 * `generated` (what the stylesheets print). renderPrint starts the subsets from these while it
 * builds the HTML, and makes them again only if the HTML has a character not among them.
 */
export function likelyCodePoints(volume: Volume, generated: string): Set<number> {
  const texts = [generated, ASCII, CHROME, chineseDate(volume.meta.date), JSON.stringify(volume.meta)];
  let notes = 0; // footnotes (definitions or references) of the paper being walked
  // the mdast nodes' strings only (a walk over every property of the model took ~0.2 s for the 1× volume)
  const walk = (node: Node): void => {
    const { value, url, alt, title, label } = node as Node & Record<string, unknown>;
    if (typeof value === 'string') texts.push(node.type === 'math' || node.type === 'inlineMath' ? mathText(value, node.type === 'math') + value : value);
    for (const s of [url, alt, title, label]) if (typeof s === 'string') texts.push(s);
    if (node.type === 'footnoteDefinition' || node.type === 'footnoteReference') notes++;
    const children = (node as Parent).children;
    if (children) for (const child of children) walk(child);
  };
  for (const front of volume.front ?? []) {
    texts.push(front.title ?? '');
    front.body.forEach(walk);
  }
  // footnotes are numbered per paper: markers up to the most one paper has
  let markers = 0;
  for (const part of volume.parts) {
    texts.push(part.label, part.title);
    for (const chapter of part.chapters) {
      texts.push(chapter.label ?? '', chapter.title ?? '');
      for (const paper of chapter.papers) {
        texts.push(paper.title, paper.subtitle ?? '', paper.unit ?? '');
        notes = 0;
        paper.body.forEach(walk);
        markers = Math.max(markers, notes);
      }
    }
  }
  for (let n = 1; n <= Math.min(markers, 50); n++) texts.push(circled(n));
  return usedCodePoints(texts.join(''));
}
