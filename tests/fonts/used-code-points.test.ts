/** usedCodePoints (fonts/fontsource.ts) walks code units with a seen-table: the same set, in the same order, as iterating the string's code points. */
import { describe, expect, it } from 'vitest';
import { usedCodePoints } from '../../pipeline/render/fonts/fontsource.ts';

/** The plain definition: every code point of the string, controls left out, in first-seen order. */
const reference = (text: string) => [...new Set([...text].map((ch) => ch.codePointAt(0)!).filter((cp) => cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f)))];

describe('usedCodePoints', () => {
  it.each([
    ['Han, Latin, spaces, repeats', '中文 text　中文，text。'],
    ['astral characters (surrogate pairs)', '𠀀😀a𠀀😀'],
    ['lone surrogates at either end and inside', '\ud800a\udc00b\ud83d'],
    ['controls (C0, DEL, C1) left out, tab and newline too', 'a\u0000\t\n\u007f\u0085\u009fb\u00a0'],
    ['empty', ''],
  ])('%s', (_name, text) => {
    expect([...usedCodePoints(text)]).toEqual(reference(text));
  });
});
