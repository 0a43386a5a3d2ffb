/**
 * Fonts for the EPUB, all from the pinned @fontsource packages (so every machine gets the same bytes):
 * - the glyph outlines of the cover text (harfbuzz shapes the text, the glyphs become SVG paths);
 * - an optional subset of the body font containing exactly the characters the book uses.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontverter from 'fontverter';
import subsetFont from 'subset-font';
import * as hb from 'harfbuzzjs';
import { JuanError } from '../../report/errors.ts';

const require = createRequire(import.meta.url);

/** The @fontsource files of a family and weight that cover Chinese text, most useful first. */
function fontsourceFiles(pkg: string, weight: number): string[] {
  let dir: string;
  try {
    dir = join(dirname(require.resolve(`@fontsource/${pkg}/package.json`)), 'files');
  } catch (cause) {
    throw new JuanError('render', `找不到字体包「@fontsource/${pkg}」`, { source: 'epub:fonts', hint: '运行 npm install，或在 book.yaml 的 fonts 中改用已安装的字体', cause });
  }
  const files = ['chinese-simplified', 'latin'].map((subset) => join(dir, `${pkg}-${subset}-${weight}-normal.woff2`)).filter((f) => existsSync(f));
  if (!files.length) {
    throw new JuanError('render', `字体包「@fontsource/${pkg}」没有 ${weight} 字重的简体中文文件`, { source: 'epub:fonts' });
  }
  return files;
}

/** Human family name of a @fontsource package, e.g. `noto-serif-sc` → `Noto Serif SC`. */
export function fontsourceFamily(pkg: string): string {
  try {
    const meta = JSON.parse(readFileSync(require.resolve(`@fontsource/${pkg}/metadata.json`), 'utf8')) as { family?: string };
    if (meta.family) return meta.family;
  } catch {
    /* fall through */
  }
  return pkg.split('-').map((w) => (w.length <= 2 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1))).join(' ');
}

interface LoadedFont {
  font: hb.Font;
  upem: number;
  unicodes: Set<number>;
}

const loaded = new Map<string, Promise<LoadedFont>>();
/**
 * WOFF2 decoding (wasm) is not safe to run concurrently: two overlapping conversions gave a
 * font whose glyph outlines were all empty. Every conversion waits for the previous one.
 */
let conversions: Promise<unknown> = Promise.resolve();
function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = conversions.then(task, task);
  conversions = run.catch(() => undefined);
  return run;
}

function loadFont(file: string): Promise<LoadedFont> {
  let p = loaded.get(file);
  if (!p) {
    p = (async () => {
      const sfnt = await serially(() => fontverter.convert(readFileSync(file), 'truetype'));
      const face = new hb.Face(new hb.Blob(new Uint8Array(sfnt)));
      return { font: new hb.Font(face), upem: face.upem, unicodes: new Set(face.collectUnicodes()) };
    })();
    loaded.set(file, p);
  }
  return p;
}

export interface ShapedGlyph {
  /** SVG path in font units (y up). */
  path: string;
  /** Pen position of the glyph origin, font units. */
  x: number;
  advance: number;
}

/** Shape one line of text with the first font of the family that has each character; glyph outlines and advances in units of 1 em = 1000. */
export async function shapeLine(pkg: string, weight: number, text: string): Promise<{ glyphs: ShapedGlyph[]; width: number }> {
  const fonts = await Promise.all(fontsourceFiles(pkg, weight).map(loadFont));
  const glyphs: ShapedGlyph[] = [];
  let x = 0;
  // Runs of characters that the same font covers.
  const chars = [...text];
  let i = 0;
  while (i < chars.length) {
    const pick = (ch: string) => fonts.find((f) => f.unicodes.has(ch.codePointAt(0)!)) ?? fonts[0]!;
    const f = pick(chars[i]!);
    let j = i + 1;
    while (j < chars.length && pick(chars[j]!) === f) j++;
    const buffer = new hb.Buffer();
    buffer.addText(chars.slice(i, j).join(''));
    buffer.guessSegmentProperties();
    hb.shape(f.font, buffer);
    const scale = 1000 / f.upem;
    for (const g of buffer.getGlyphInfosAndPositions()) {
      const advance = (g.xAdvance ?? 0) * scale;
      const raw = f.font.glyphToPath(g.codepoint);
      glyphs.push({ path: scale === 1 ? raw : scalePath(raw, scale), x: x + (g.xOffset ?? 0) * scale, advance });
      x += advance;
    }
    i = j;
  }
  return { glyphs, width: x };
}

function scalePath(d: string, s: number): string {
  return d.replace(/-?\d+(?:\.\d+)?/g, (n) => String(Math.round(Number(n) * s * 100) / 100));
}

/**
 * Subset a font (a @fontsource package at one weight) to exactly `text`'s characters. Returns one OpenType file per
 * @fontsource slice that contributes characters (the CJK slice, the Latin slice),
 * each with the Unicode ranges it serves, so CSS can declare them with `unicode-range`.
 */
export async function subsetFontsource(pkg: string, weight: number, text: string): Promise<Array<{ data: Uint8Array; codepoints: number[]; format: 'opentype' | 'truetype' }>> {
  const wanted = [...new Set([...text].map((c) => c.codePointAt(0)!))].filter((cp) => cp > 0x20).sort((a, b) => a - b);
  const files = fontsourceFiles(pkg, weight);
  const fonts = await Promise.all(files.map(loadFont));
  const out: Array<{ data: Uint8Array; codepoints: number[]; format: 'opentype' | 'truetype' }> = [];
  const taken = new Set<number>();
  for (let k = 0; k < files.length; k++) {
    const mine = wanted.filter((cp) => !taken.has(cp) && fonts[k]!.unicodes.has(cp));
    if (!mine.length) continue;
    mine.forEach((cp) => taken.add(cp));
    const data = new Uint8Array(await serially(() => subsetFont(readFileSync(files[k]!), String.fromCodePoint(...mine), { targetFormat: 'sfnt' })));
    const format = data[0] === 0x4f && data[1] === 0x54 && data[2] === 0x54 && data[3] === 0x4f ? 'opentype' : 'truetype';
    out.push({ data, codepoints: mine, format });
  }
  return out;
}

/** `U+4E00-4E01,U+4E03` for a sorted list of code points. */
export function unicodeRange(codepoints: number[]): string {
  const ranges: string[] = [];
  let i = 0;
  while (i < codepoints.length) {
    let j = i;
    while (j + 1 < codepoints.length && codepoints[j + 1] === codepoints[j]! + 1) j++;
    const hex = (n: number) => n.toString(16).toUpperCase();
    ranges.push(i === j ? `U+${hex(codepoints[i]!)}` : `U+${hex(codepoints[i]!)}-${hex(codepoints[j]!)}`);
    i = j + 1;
  }
  return ranges.join(',');
}
