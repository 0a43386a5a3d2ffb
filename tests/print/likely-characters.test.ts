/**
 * The font subsets are started from the characters the volume model has, before the print HTML
 * is built (print/fonts.ts likelyCodePoints), and made again only if the HTML has a character
 * not among them. On the seed, the content sample (math, notes, tables, code) and every real
 * manuscript, the HTML has none: the subsets are made once — and the characters foreseen but
 * not printed (markup ASCII, footnote markers a paper does not reach) are few.
 */
import { describe, expect, it } from 'vitest';
import { readVolume, resolveInputs } from '../../pipeline/commands/inputs.ts';
import { printBook } from '../../pipeline/render/print/document.ts';
import { likelyCodePoints, printedCodePoints, stylesheetText } from '../../pipeline/render/print/fonts.ts';
import { printShell } from '../../pipeline/render/print/prelude.ts';
import { rectoHeads } from '../../pipeline/render/running-head.ts';
import { projectPath } from '../../pipeline/paths.ts';
import { fixtures, manuscriptOf } from '../normalize/real-corpus.ts';

const cases: Array<[string, () => string]> = [
  ['the seed', () => projectPath('manuscript', '论文集.md')],
  ['the content sample', () => projectPath('tests', 'fixtures', 'content', '样稿.md')],
  ...fixtures().map((name): [string, () => string] => [`real: ${name}`, () => manuscriptOf(name)]),
];

const show = (cps: number[]) => cps.map((cp) => `${String.fromCodePoint(cp)} U+${cp.toString(16).toUpperCase()}`);

describe('font subsets started from the model', () => {
  it.each(cases)('%s: the print HTML has no character the model did not foresee', async (_name, manuscript) => {
    const volume = readVolume(resolveInputs({ cwd: projectPath(), manuscript: manuscript() })).volume;
    const generated = stylesheetText(printShell(volume.meta, false).styles, volume.meta);
    const likely = likelyCodePoints(volume, generated);
    const printed = printedCodePoints(printBook(volume, await rectoHeads(volume)).bodies, generated);
    expect(printed.size).toBeGreaterThan(100);
    expect(show([...printed].filter((cp) => !likely.has(cp)))).toEqual([]);
    const extra = [...likely].filter((cp) => !printed.has(cp));
    expect(show(extra).length, show(extra).join(' ')).toBeLessThanOrEqual(30);
  });
});
