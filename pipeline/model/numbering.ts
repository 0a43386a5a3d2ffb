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

/**
 * Does a unit titled `unitTitle` end the titled 章 `open`? A 章 that is a unit itself (a law's 「第三章
 * 附则」 with its articles, after 「第二章 组织」 and its 节) is no paper of the 章 before it — unless it
 * is that 章's own text (the same number). Used where the 目录 is read and where the body is.
 */
export function closesChapter(unitTitle: string, open: { label: string | null; title: string | null } | null): boolean {
  const m = unitTitle.match(CHAPTER_RE);
  return !!m && !!open?.title && open.label !== `第${m[1]}章`;
}
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
