/**
 * Text both editions print from the book's metadata and page map, computed once: the date
 * (print 扉页, EPUB title page and cover, EPUB source line) and page numbers as the 目录 prints
 * them (print 目录, normalized manuscript's 目录), the organisers' labels on both title pages.
 */

/** An organiser role as both title pages label it: 指导 → 「指导单位：」. */
export function organiserLabel(role: string): string {
  return `${role}单位：`;
}

/**
 * `2018-10` → `2018 年 10 月`; `2018-10-05` → `2018 年 10 月 5 日`. With spaces between Han and
 * digits: the book sets them as real spaces, not with text-autospace (typography.md).
 */
export function chineseDate(date: string | undefined): string {
  if (!date) return ''; // an unknown date is left off, never 1970
  const [y, m, d] = date.split('-');
  return `${y} 年 ${Number(m)} 月${d ? ` ${Number(d)} 日` : ''}`;
}

/** A folio as the 目录 prints it: `1` (plain) or `(01)` (parenthesized, the old edition's style); '' for none. */
export function tocPageNumber(folio: string | undefined, style: 'plain' | 'parenthesized' = 'plain'): string {
  if (!folio) return '';
  if (style === 'plain') return folio;
  return /^\d$/.test(folio) ? `(0${folio})` : `(${folio})`;
}
