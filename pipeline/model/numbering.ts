/**
 * The numbering of section heads, level by level (GB/T 9704: 一、 → （一） → 1. / 1、 → （1））.
 * One source for the normalizer (heading levels, what is a title, what a cut paragraph) and for the
 * writers (one look per level, the number hanging before the text), so they never disagree on
 * whether 「一.」 or 「（ 一 ）」 is a level-1 or level-2 number.
 */
const CN = '[一二三四五六七八九十百零〇]+';

/** A 篇 or 章 line: `第一篇 围涂篇`, `第二章　组织` (its number, then its name). */
export const PART_RE = /^第([一二三四五六七八九十百零〇\d]+)篇\s*(.*)$/;
export const CHAPTER_RE = /^第([一二三四五六七八九十百零〇\d]+)章\s*(.*)$/;
const NUMBERING: Array<{ level: number; re: RegExp }> = [
  { level: 1, re: new RegExp(`^\\s*${CN}[、．.]`) },
  { level: 2, re: new RegExp(`^\\s*[（(]\\s*${CN}\\s*[）)]`) },
  { level: 3, re: /^\s*\d{1,2}(?:[、．]|\.(?!\d))/ },
  { level: 4, re: /^\s*[（(]\s*\d{1,2}\s*[）)]/ },
];

/** The number a head's text starts with and its level, or null. */
export function numberingOf(text: string): { level: number; number: string } | null {
  for (const { level, re } of NUMBERING) {
    const m = re.exec(text);
    if (m) return { level, number: m[0].trim() };
  }
  return null;
}

/** Numbering level of a heading/item text (1–4), or 0 when it is not numbered. */
export const numberingLevel = (text: string): number => numberingOf(text)?.level ?? 0;
