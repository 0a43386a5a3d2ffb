/**
 * A press-ready book has an even page count; blank pages are added at the end (pdf/press.ts)
 * and the build says so (writers.ts). Kept apart from press.ts so the writer need not load pdf-lib.
 */

/** How many blank pages a book of `pages` pages gets at the end to make the count even. */
export function blankPagesForEven(pages: number): number {
  return pages % 2;
}
