/**
 * Encoding hygiene of the whole source, done BEFORE the Markdown parse: invisible characters change
 * how CommonMark reads the text (a zero-width space between `。` and `**` decides whether the `**`
 * closes), so every rule must see the text the way it will be written. The parser reads the cleaned
 * text; `SourceMap` translates its offsets back to the original file for positions and messages.
 *
 *   CRLF / lone CR → LF · NBSP (U+00A0, U+202F) → space · zero-width (U+200B/C/D, U+2060, U+FEFF) removed ·
 *   Kangxi radicals (U+2F00–2FD5, copied out of PDFs) → their ideographs (NFKC), likewise the C-simplified
 *   radicals that are whole characters (⻓ → 长) ·
 *   full-width spaces (U+3000) at the start or end of a line (indent/padding) removed.
 *
 * Every change is 1 → 0 or 1 → 1 characters, so the clean text is the original with some characters
 * dropped or replaced and the map is monotonic. The encoding-hygiene rule reports the `findings`.
 */

export interface HygieneFinding {
  /** Offset in the original (BOM-stripped) text. */
  offset: number;
  reason: string;
}

/** Offsets of the clean text ↔ offsets of the original (BOM-stripped) text. */
export class SourceMap {
  /** Clean offsets before which original characters were dropped (strictly increasing). */
  private readonly at: number[];
  /** Total original characters dropped up to and including the breakpoint. */
  private readonly shift: number[];

  constructor(at: number[], shift: number[]) {
    this.at = at;
    this.shift = shift;
  }

  get identity(): boolean {
    return this.at.length === 0;
  }

  /** Last breakpoint k with at[k] <= c, or -1. */
  private last(c: number): number {
    let lo = 0;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid] <= c) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Original offset of clean character `c` (c = clean length → original length). */
  toOriginal(c: number): number {
    if (!this.at.length) return c;
    const k = this.last(c);
    return k < 0 ? c : c + this.shift[k];
  }

  /** Original offset just after the clean range ending at `c` (an exclusive end). */
  toOriginalEnd(c: number): number {
    if (!this.at.length || c <= 0) return c;
    return this.toOriginal(c - 1) + 1;
  }

  /** Clean offset of original offset `o` (inside a dropped run: the next kept character). */
  toClean(o: number): number {
    if (!this.at.length) return o;
    // breakpoint k drops the original range [at[k] + shift[k-1], at[k] + shift[k])
    let lo = 0;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid] + (mid ? this.shift[mid - 1] : 0) <= o) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return o;
    if (o < this.at[k] + this.shift[k]) return this.at[k];
    return o - this.shift[k];
  }
}

export interface Hygiene {
  /** The text the parser reads. */
  text: string;
  map: SourceMap;
  findings: HygieneFinding[];
}

const hex = (ch: string) => ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
const DAMAGE = /\r\n?|[\u00A0\u202F]|[\u200B\u200C\u200D\u2060\uFEFF]|\u3000+|[\u2F00-\u2FD5\u2EC5\u2EC6\u2EC9\u2ECB\u2ED3\u2ED4\u2ED9\u2EDA\u2EDB\u2EDC\u2EE2\u2EE5\u2EE6\u2EE7\u2EE8\u2EE9\u2EEA\u2EEC\u2EEE\u2EF0\u2EF3]/g;
/** Kangxi radicals (U+2F00–2FD5): what a PDF's text layer gives for some ideographs; each is one ideograph under NFKC. */
const KANGXI = /^[\u2F00-\u2FD5]$/;
/** The C-simplified radicals that are whole characters (CJK Radicals Supplement has no NFKC form for them). */
const SIMPLIFIED_RADICALS: Record<string, string> = {'⻅': '见', '⻆': '角', '⻉': '贝', '⻋': '车', '⻓': '长', '⻔': '门', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞', '⻢': '马', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻪': '黾', '⻬': '齐', '⻮': '齿', '⻰': '龙', '⻳': '龟'};
const ZERO_WIDTH = /[\u200B\u200C\u200D\u2060\uFEFF]/;
const SKIP_ZW = /[\u200B\u200C\u200D\u2060\uFEFF]*/y;

/** Clean `src` (already BOM-stripped). */
export function cleanSource(src: string): Hygiene {
  const findings: HygieneFinding[] = [];
  const at: number[] = [];
  const shift: number[] = [];
  let dropped = 0;
  let out = '';
  let from = 0;
  let crlf = 0;
  let firstCr = -1;
  const drop = (n: number) => {
    dropped += n;
    const c = out.length;
    if (at.length && at[at.length - 1] === c) shift[shift.length - 1] = dropped;
    else { at.push(c); shift.push(dropped); }
  };
  const other: HygieneFinding[] = [];
  DAMAGE.lastIndex = 0;
  for (let m = DAMAGE.exec(src); m; m = DAMAGE.exec(src)) {
    const i = m.index;
    const s = m[0];
    out += src.slice(from, i);
    from = i + s.length;
    if (s[0] === '\r') {
      crlf++;
      if (firstCr < 0) firstCr = i;
      if (s.length === 2) { drop(1); out += '\n'; } else out += '\n';
    } else if (s === '\u00A0' || s === '\u202F') {
      other.push({ offset: i, reason: `不换行空格（U+${hex(s)}）已改为普通空格` });
      out += ' ';
    } else if (KANGXI.test(s) || SIMPLIFIED_RADICALS[s]) {
      // same length in UTF-16: the source map needs no shift
      const ideograph = SIMPLIFIED_RADICALS[s] ?? s.normalize('NFKC');
      other.push({ offset: i, reason: `部首字符「${s}」（U+${hex(s)}）已改为汉字「${ideograph}」（字形相同；字体和检索只认汉字）` });
      out += ideograph;
    } else if (ZERO_WIDTH.test(s)) {
      other.push({ offset: i, reason: `零宽字符（U+${hex(s)}）已删除` });
      drop(1);
    } else {
      // full-width spaces: padding when nothing but zero-width characters separates them from a line edge
      const lineStart = out.length === 0 || out[out.length - 1] === '\n';
      SKIP_ZW.lastIndex = i + s.length;
      SKIP_ZW.test(src);
      const next = src[SKIP_ZW.lastIndex];
      const lineEnd = next == null || next === '\n' || next === '\r';
      if (lineStart || lineEnd) {
        other.push({ offset: i, reason: `用作缩进或补白的全角空格（${s.length} 个）已删除` });
        drop(s.length);
      } else out += s;
    }
  }
  out += src.slice(from);
  if (crlf) findings.push({ offset: firstCr, reason: `文件使用 CRLF 换行（共 ${crlf} 处），已统一为 LF` });
  findings.push(...other);
  return { text: out, map: new SourceMap(at, shift), findings };
}
