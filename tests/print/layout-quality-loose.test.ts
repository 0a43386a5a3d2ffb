/**
 * Lines spread letter by letter (「我 们 已 经 为 此 开 了 一 个」), read from the glyph positions of the
 * PDF (layout-quality-loose.ts). The check is first shown failing: the seed's own print.html,
 * printed by Chromium with every paragraph's last line justified — what Paged.js did to every item
 * of a list split between pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { LOOSE_EM, looseHanLines, looseLines } from './layout-quality-loose.ts';
import type { Glyph } from './layout-quality-latin.ts';
import { seedHtmlPrinter } from './helpers.ts';

const seedOut = inject('seedOut');

const printSeedHtml = seedHtmlPrinter();

/** Han glyphs of a 10.5 pt line, each `extra` em after the one before. */
const line = (chars: string, extra: number, y = 700): Glyph[] => [...chars].map((ch, i) => ({ ch, x: 72 + i * 10.5 * (1 + extra), y, adv: 10.5, size: 10.5 }));

describe('loose lines', () => {
  it('finds a line whose every Han pair is spread, not a table row or a set-solid line', () => {
    expect(looseLines(1, line('我们已经为此开了一个', 0.9))).toMatchObject([{ text: '我们已经为此开了一个', beforeWord: null }]);
    expect(looseLines(1, line('我们已经为此开了一个', 0))).toEqual([]);
    // a table row: cells far apart, no space inside a cell
    const row = [...line('排名国家', 0), ...line('总人数占比', 0).map((g) => ({ ...g, x: g.x + 120 }))];
    expect(looseLines(1, row)).toEqual([]);
    // a spread line before an unbreakable Latin word says which word pushed it
    const before = [...line('限性仅选取了包括', 0.8), ...[...'IssueCommentEvent'].map((ch, i) => ({ ch, x: 72 + i * 6, y: 718, adv: 6, size: 10.5 }))];
    expect(looseLines(1, before)).toMatchObject([{ beforeWord: 'IssueCommentEvent' }]);
  });

  it('the check finds the last lines of paragraphs when they are justified', async () => {
    const pdf = await printSeedHtml('p { text-align-last: justify !important; }');
    const { loose } = await looseHanLines(pdf);
    expect(loose.filter((l) => l.gap > LOOSE_EM * 2 && !l.beforeWord).length).toBeGreaterThan(10);
  }, 120_000);

  it('the seed book.pdf has no line spread letter by letter', async () => {
    const { loose, lines } = await looseHanLines(new Uint8Array(readFileSync(join(seedOut, 'book.pdf'))));
    expect(lines).toBeGreaterThan(300);
    expect(loose).toEqual([]);
  });
});
