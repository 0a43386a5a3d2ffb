/**
 * Fonts and styles the print edition needs only when the book uses math or code, from pinned
 * packages: KaTeX's stylesheet and fonts (katex), JetBrains Mono for code (@fontsource/jetbrains-mono;
 * Chinese in code falls back to the body Song, content.css). They go into the @font-face style
 * that Paged.js ignores (templates/print.ts, print/index.ts), so a book without math or code
 * parses and loads nothing more.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { mathLetters, usesCode, usesMath } from './index.ts';

const require = createRequire(import.meta.url);
const KATEX_DIST = path.dirname(require.resolve('katex/dist/katex.min.css'));

/**
 * Math operators and arrows KaTeX_Main draws in both weights (its cmap, katex pinned; checked by
 * tests/fonts/math-operators.test.ts): written in the running text (⊤, ⋅, ∼ in a textbook) where
 * a print face lacks them, they come from KaTeX_Main (print/fonts.ts), not from a system font.
 */
export const KATEX_MAIN_OPERATORS = new Set(
  [...'←↑→↓↔↕↖↗↘↙↦↩↪↼↽⇀⇁⇌⇐⇑⇒⇓⇔⇕∀∂∃∅∇∈∋−∓∕∖∗∘∙√∝∞∠∣∥∧∨∩∪∫∼≀≃≅≈≍≐≡≤≥≪≫≺≻⊂⊃⊆⊇⊎⊑⊒⊓⊔⊕⊖⊗⊘⊙⊢⊣⊤⊥⊨⋄⋅⋆⋈⋮⋯⋱⌈⌉⌊⌋⌢⌣△▹▽◃◯♠♡♢♣♭♮♯⟨⟩⟵⟶⟷⟸⟹⟺⟼⨿⪯⪰'].map((c) => c.codePointAt(0)!),
);

/** The KaTeX_Main file of a weight (bold from 600 on). */
export function katexMainFile(weight: number): string {
  return path.join(KATEX_DIST, 'fonts', weight >= 600 ? 'KaTeX_Main-Bold.woff2' : 'KaTeX_Main-Regular.woff2');
}
/** The code face's @fontsource package (print: its WOFF2 files below; EPUB: a subset, epub/index.ts). */
export const CODE_FONT_PACKAGE = 'jetbrains-mono';
const MONO = path.join(path.dirname(require.resolve(`@fontsource/${CODE_FONT_PACKAGE}/package.json`)), 'files');
const SERIF = path.join(path.dirname(require.resolve('@fontsource/noto-serif/package.json')), 'files');

/**
 * Greek (α β Δ Ω in the text of a statistics paper): Noto Serif SC has none. Noto Serif's Greek
 * (@fontsource/noto-serif, its `greek` file's unicode-range) is added to the body family for
 * exactly these code points, so the body stack (shared.css) stays as it is.
 */
const GREEK: Array<[number, number]> = [[0x370, 0x377], [0x37a, 0x37f], [0x384, 0x38a], [0x38c, 0x38c], [0x38e, 0x3a1], [0x3a3, 0x3ff]];
const GREEK_RANGE = GREEK.map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`)).join(',');
/** A code point the content fonts draw although the body face lacks it (not reported as missing). */
/**
 * Text the print handlers and content.css add to a book with tables or footnotes (续表N captions,
 * a note's continuation 「（续）」): in the font subsets even when the manuscript has no 续.
 */
export function contentGeneratedText(html: string): string {
  return /class="juan-table|class="noteref|epub:type="noteref"/.test(html) ? '续（）' : '';
}

export function coveredByContentFonts(cp: number): boolean {
  return GREEK.some(([a, b]) => cp >= a && cp <= b) || mathLetters.has(cp);
}

/**
 * Whether `html` has a character coveredByContentFonts: the Greek block by a regular expression and
 * each precomposed math letter by a search (a walk over every code point of a 1.5 MB book was ~40 ms).
 */
function drawsContentFontChars(html: string): boolean {
  for (const m of html.matchAll(/[\u0370-\u03ff]/g)) if (coveredByContentFonts(m[0].codePointAt(0)!)) return true;
  for (const cp of mathLetters) if (html.includes(String.fromCodePoint(cp))) return true;
  return false;
}

/**
 * The KaTeX families a book's formulas use: KaTeX_Main always (the .katex base), each other one when
 * every class of a selector of one of katex.css's rules for it is in the HTML (.mathbb → KaTeX_AMS,
 * .delimsizing.size2 → KaTeX_Size2, .op-symbol.large-op → KaTeX_Size2 …). The others' faces are
 * neither declared nor served: a layout tab loads every declared face before its first page, one
 * request after another (~8 ms each on a busy machine), and KaTeX declares 20.
 */
export function katexFamilies(katexCss: string, html: string): Set<string> {
  const classes = new Set<string>();
  for (const m of html.matchAll(/class="([^"]*)"/g)) for (const c of m[1]!.split(/\s+/)) if (c) classes.add(c);
  const families = new Set(['KaTeX_Main']);
  for (const rule of katexCss.replace(/@font-face\{[^}]*\}/g, '').matchAll(/([^{}]+)\{[^}]*font-family:\s*(KaTeX_\w+)/g)) {
    if (rule[1]!.split(',').some((selector) => (selector.match(/\.[\w-]+/g) ?? []).every((c) => classes.has(c.slice(1))))) families.add(rule[2]!);
  }
  return families;
}

export interface ContentAssets {
  /** CSS with URLs under `base` (`/assets` for the layout server, `assets` next to print.html). */
  css(base: string): string;
  /** `source`: the file in its package (the merge decodes the fonts to embed each once, print/index.ts). */
  files: Array<{ path: string; type: string; data: Uint8Array; source: string }>;
}

export function contentAssets(html: string): ContentAssets {
  const math = usesMath(html);
  const code = usesCode(html);
  const files: ContentAssets['files'] = [];
  /** A font file served at `served` (under the assets base), read from its package at `source`. */
  const woff2 = (served: string, source: string) => files.push({ path: served, type: 'font/woff2', data: readFileSync(source), source });
  const parts: Array<(base: string) => string> = [];
  if (math) {
    // woff2 only: every browser that runs Paged.js reads it
    const katexCss = readFileSync(path.join(KATEX_DIST, 'katex.min.css'), 'utf8').replace(/,url\(fonts\/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, '');
    const families = katexFamilies(katexCss, html);
    const css = katexCss.replace(/@font-face\{[^}]*\}/g, (face) => (families.has(/font-family:\s*(KaTeX_\w+)/.exec(face)?.[1] ?? '') ? face : ''));
    for (const name of readdirSync(path.join(KATEX_DIST, 'fonts')).filter((n) => n.endsWith('.woff2') && families.has(n.replace(/-.*$/, ''))).sort()) {
      woff2(`katex/${name}`, path.join(KATEX_DIST, 'fonts', name));
    }
    parts.push((base) => css.replace(/url\(fonts\//g, `url(${base}/katex/`));
  }
  if (math && html.includes('juan-accented')) {
    // accented letters set precomposed (content/index.ts precomposeAccents)
    for (const sub of ['latin', 'latin-ext']) {
      woff2(`fonts/noto-serif-${sub}-400-italic.woff2`, path.join(SERIF, `noto-serif-${sub}-400-italic.woff2`));
    }
    parts.push((base) =>
      ['latin', 'latin-ext']
        .map((sub) => `@font-face{font-family:"Noto Serif";font-style:italic;font-weight:400;src:url(${base}/fonts/noto-serif-${sub}-400-italic.woff2) format("woff2")}`)
        .join('\n') + '\n.katex .juan-accented{font-family:"Noto Serif";font-style:italic;font-weight:400}',
    );
  }
  if (drawsContentFontChars(html)) {
    for (const weight of [400, 700]) {
      woff2(`fonts/noto-serif-greek-${weight}.woff2`, path.join(SERIF, `noto-serif-greek-${weight}-normal.woff2`));
    }
    parts.push((base) =>
      [400, 700]
        .map((w) => `@font-face{font-family:"Noto Serif SC";font-style:normal;font-weight:${w};src:url(${base}/fonts/noto-serif-greek-${w}.woff2) format("woff2");unicode-range:${GREEK_RANGE}}`)
        .join('\n'),
    );
  }
  if (code) {
    for (const weight of [400, 700]) {
      woff2(`fonts/jetbrains-mono-latin-${weight}.woff2`, path.join(MONO, `jetbrains-mono-latin-${weight}-normal.woff2`));
    }
    parts.push((base) =>
      [400, 700]
        .map((w) => `@font-face{font-family:"JetBrains Mono";font-style:normal;font-weight:${w};src:url(${base}/fonts/jetbrains-mono-latin-${w}.woff2) format("woff2");unicode-range:U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+2074,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD}`)
        .join('\n'),
    );
  }
  return { css: (base) => parts.map((p) => p(base)).join('\n'), files };
}
