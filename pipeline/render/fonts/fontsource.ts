/**
 * The font files of the pinned @fontsource packages (so every machine gets the same bytes).
 *
 * A package ships, per weight, a `chinese-simplified` file (the common Chinese characters,
 * plus Latin; no unicode-range in its CSS), named script subsets (latin, latin-ext…) and ~100
 * numbered slices with a `unicode-range` each, which together cover the whole font. LXGW
 * WenKai ships one whole font per weight (`latin`, no unicode-range). `fontsourceSources`
 * lists them in the order a character is looked for: a character comes from the first file
 * that has it, so the same character always comes from the same file whatever else the book
 * contains.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { JuanError } from '../../report/errors.ts';

const require = createRequire(import.meta.url);

export interface FontSource {
  /** Absolute path of the WOFF file. */
  file: string;
  /** Inclusive code point ranges from the CSS, or null when the face declares none (then its cmap decides). */
  ranges: Array<[number, number]> | null;
}

/** Parse `U+4e00-4e ff,U+3000,U+1f1e?` into inclusive ranges. */
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

export function inRanges(cp: number, ranges: Array<[number, number]>): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

function packageDir(pkg: string): string {
  try {
    return path.dirname(require.resolve(`@fontsource/${pkg}/package.json`));
  } catch (cause) {
    throw new JuanError('render', `找不到字体包「@fontsource/${pkg}」`, { source: 'fonts', hint: '运行 npm install，或在 book.yaml 的 fonts 中改用已安装的字体', cause });
  }
}

/** The normal-style faces of one @fontsource CSS file. */
function cssFaces(cssPath: string): FontSource[] {
  const css = readFileSync(cssPath, 'utf8');
  const out: FontSource[] = [];
  for (const block of css.matchAll(/@font-face\s*{([^}]*)}/g)) {
    const body = block[1]!;
    // The WOFF 1.0 file, not the WOFF2: it decodes ~5× faster (font-worker.mjs).
    const src = /url\(([^)]+\.woff)\)/.exec(body)?.[1];
    if (!src || /font-style:\s*(\w+)/.exec(body)?.[1] !== 'normal') continue;
    const range = /unicode-range:\s*([^;]+);/.exec(body)?.[1]?.trim();
    out.push({ file: path.resolve(path.dirname(cssPath), src), ranges: range ? parseUnicodeRange(range) : null });
  }
  return out;
}

const sourcesMemo = new Map<string, FontSource[]>();

/** The files of a package and weight, in lookup order: chinese-simplified first, then the rest of `<weight>.css`. */
export function fontsourceSources(pkg: string, weight: number): FontSource[] {
  const memoKey = `${pkg}@${weight}`;
  const memo = sourcesMemo.get(memoKey);
  if (memo) return memo;
  const dir = packageDir(pkg);
  const sources: FontSource[] = [];
  const simplified = path.join(dir, `chinese-simplified-${weight}.css`);
  if (existsSync(simplified)) sources.push(...cssFaces(simplified));
  const all = path.join(dir, `${weight}.css`);
  if (!existsSync(all)) throw new JuanError('render', `字体包「@fontsource/${pkg}」没有 ${weight} 字重`, { source: 'fonts' });
  for (const face of cssFaces(all)) if (!sources.some((s) => s.file === face.file)) sources.push(face);
  if (!sources.length) throw new JuanError('render', `字体包「@fontsource/${pkg}」的 ${weight} 字重没有 woff 字体`, { source: 'fonts' });
  sourcesMemo.set(memoKey, sources);
  return sources;
}

/** Version of an installed @fontsource package (part of every font cache key). */
export function fontsourceVersion(pkg: string): string {
  return String(JSON.parse(readFileSync(path.join(packageDir(pkg), 'package.json'), 'utf8')).version);
}

/** Human family name of a @fontsource package, e.g. `noto-serif-sc` → `Noto Serif SC`. */
export function fontsourceFamily(pkg: string): string {
  try {
    const meta = JSON.parse(readFileSync(path.join(packageDir(pkg), 'metadata.json'), 'utf8')) as { family?: string };
    if (meta.family) return meta.family;
  } catch {
    /* fall through */
  }
  return pkg.split('-').map((w) => (w.length <= 2 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

/** Whitespace and format characters: drawn with no ink, so a font lacking them is not worth reporting. */
export function needsGlyph(cp: number): boolean {
  return !(cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp === 0x3000 || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfeff);
}

/**
 * The distinct code points of a text, spaces included: a space outside every subset's
 * unicode-range would be set in a system fallback font (and that font embedded in the PDF).
 */
export function usedCodePoints(text: string): Set<number> {
  // by code units, each code point looked at once (a seen-table): the string iterator and a Set
  // insertion per character took ~20 ms for a 1× book's print HTML, run for print, EPUB and report
  const set = new Set<number>();
  const seen = new Uint8Array(0x110000);
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    if (seen[cp]) continue;
    seen[cp] = 1;
    if (cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f)) set.add(cp);
  }
  return set;
}
