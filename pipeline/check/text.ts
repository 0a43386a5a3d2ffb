/** Text helpers shared by the 目录 checker: normalisation for matching, page numbers, folios. */

/**
 * Text for matching: NFKC (which also maps Kangxi radicals such as ⽬ back to 目 and full-width
 * digits/brackets to ASCII), no whitespace, one kind of dash.
 */
export function norm(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[‒–―－─]/g, '—');
}

/** Kangxi radicals / CJK radicals supplement: what a broken ToUnicode map produces instead of 目, 心… */
export const RADICALS = /[\u2E80-\u2FDF]/gu;

/** A page number as printed at the end of a 目录 line: `12`, `(12)`, `（12）`, after a gap or a leader. */
const TRAILING_NUMBER = /(?:^|[\s.．·…‥⋯_—-])([(（]\s*\d{1,4}\s*[)）]|\d{1,4})$/u;

/** The page number a 目录 line ends with (as printed, e.g. `(08)`), or null. */
export function trailingNumber(line: string): string | null {
  const m = TRAILING_NUMBER.exec(line.trim());
  return m ? m[1]!.replace(/\s+/g, '') : null;
}

/** A footer folio: `12`, `xii`, optionally dressed as `— 12 —` / `- 12 -`. */
const FOLIO = /^[\s\-—–·]*(\d{1,4}|[ivxlcdm]{1,7})[\s\-—–·]*$/iu;

export function folioText(line: string): string | null {
  const m = FOLIO.exec(line.normalize('NFKC'));
  return m ? m[1]!.toLowerCase() : null;
}

/** `(08)` → 8, `12` → 12, `（3）` → 3; null for anything else (roman folios compare as strings). */
export function pageNumber(s: string | null): number | null {
  if (s == null) return null;
  const m = /^[(（]?\s*(\d+)\s*[)）]?$/u.exec(s.normalize('NFKC').trim());
  return m ? Number(m[1]) : null;
}

/** Whether two page numbers mean the same page (`(08)` = `8`; roman compared as text). */
export function samePage(a: string | null, b: string | null): boolean {
  if (a == null || b == null) return false;
  const na = pageNumber(a);
  const nb = pageNumber(b);
  if (na != null && nb != null) return na === nb;
  return norm(a).toLowerCase() === norm(b).toLowerCase();
}

/** 篇/章 lines of a 目录: `第一篇 围涂篇`, `第三章 优化产业布局`. */
export const STRUCTURE_LINE = /^第[一二三四五六七八九十百零〇两\d]+[篇章]/u;

/** Display width in a monospace terminal: CJK and full-width characters count 2. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x20000 && cp <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}
