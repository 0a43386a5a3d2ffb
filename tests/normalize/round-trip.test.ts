/** Faithful round trip: untouched text keeps its bytes (escapes, emphasis markers, math, spacing). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { untouchedParagraphs, renormalize } from './fidelity.ts';
import { normalizeString } from './run-examples.ts';

const SEED = join(import.meta.dirname, '..', '..', 'manuscript', '论文集.md');

describe('faithful round trip', () => {
  const keep = [
    '其中，$\\beta_{10}$ 为系数，$$\\hat{y} = \\beta_0 + \\beta_1 X_{10}$$\n',
    '见 *强调* 与 _下划线强调_ 和 __粗体__，转义 \\* 与 \\_ 和 &amp; 都照原样。\n',
    '- 一项\n* 另一种列表\n',
    '1) 括号编号\n',
    '```js\nif (a > b) { return a; }\n```\n',
    '行内 `a_b*c` 代码与 <https://example.com/a_b> 自动链接，[链接](https://x.org/a_(b) "题")。\n',
  ];
  for (const input of keep)
    it(`keeps ${JSON.stringify(input.slice(0, 30))}`, () => {
      const { out, file } = normalizeString(input);
      expect(file.messages.map((m) => m.reason)).toEqual([]);
      expect(out).toBe(input);
    });

  it('serialises only the text a rule changed', () => {
    // fullwidth-punctuation changes the comma; the escaped underscore elsewhere in the paragraph stays
    const { out } = normalizeString('中文,测试\n\n另一段 a\\_b。\n');
    expect(out).toBe('中文，测试\n\n另一段 a\\_b。\n');
  });

  it('on the seed: every body paragraph no message points at is identical to its source', () => {
    const text = readFileSync(SEED, 'utf8');
    const seed = normalizeManuscript({ path: SEED, text });
    const { checked, missing } = untouchedParagraphs(seed, text);
    expect(checked.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it('on the seed: normalize(normalize(x)) = normalize(x)', () => {
    const seed = normalizeManuscript({ path: SEED });
    const { first, second } = renormalize(seed);
    expect(second).toBe(first);
  });
});
