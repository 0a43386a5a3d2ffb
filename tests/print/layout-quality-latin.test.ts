/**
 * Justified lines stretch between Han characters and at spaces, never inside a Latin word or a
 * number (「O p e n A I」: `text-justify: inter-character` spreads every character). Read from the
 * glyph positions of the PDF (layout-quality-latin.ts). The check is first shown failing: the seed's
 * own print.html, printed by Chromium once as it is and once with inter-character justification.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { latinSpread } from './layout-quality-latin.ts';
import { seedHtmlPrinter } from './helpers.ts';

const seedOut = inject('seedOut');

const printSeedHtml = seedHtmlPrinter();

describe('Latin words in justified lines', () => {
  it('the check finds letters spread apart when justification is inter-character', async () => {
    const { spread, words } = await latinSpread(await printSeedHtml('p { text-justify: inter-character !important; }'));
    expect(words).toBeGreaterThan(100);
    expect(spread.length).toBeGreaterThan(5);
  }, 120_000);

  it('our styles keep every Latin word and number whole (the same HTML, as built)', async () => {
    const { spread, words } = await latinSpread(await printSeedHtml(''));
    expect(words).toBeGreaterThan(100);
    expect(spread).toEqual([]);
  }, 120_000);

  it('the seed book.pdf (laid out by Paged.js) has no Latin word or number spread apart', async () => {
    const { spread, words } = await latinSpread(new Uint8Array(readFileSync(join(seedOut, 'book.pdf'))));
    // the seed mixes Chinese with numbers (2017, R&D, 2.72%) on most pages
    expect(words).toBeGreaterThan(100);
    expect(spread).toEqual([]);
  });
});
