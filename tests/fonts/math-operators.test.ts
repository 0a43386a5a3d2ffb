/** The operators print/fonts.ts takes from KaTeX_Main are in both its weights (katex pinned: an update that drops one fails here). */
import { describe, expect, it } from 'vitest';
import * as hb from 'harfbuzzjs';
import { KATEX_MAIN_OPERATORS, katexMainFile } from '../../pipeline/render/content/assets.ts';
import { fontProgram } from '../../pipeline/render/fonts/subset.ts';

describe('KaTeX_Main operators', () => {
  it('are all in KaTeX_Main regular and bold', async () => {
    for (const weight of [400, 700]) {
      const has = new hb.Face(new hb.Blob(await fontProgram(katexMainFile(weight)))).collectUnicodes();
      const missing = [...KATEX_MAIN_OPERATORS].filter((cp) => !has.includes(cp)).map((cp) => String.fromCodePoint(cp));
      expect(missing, `weight ${weight}`).toEqual([]);
    }
    expect(KATEX_MAIN_OPERATORS.size).toBeGreaterThan(100);
  });
});
