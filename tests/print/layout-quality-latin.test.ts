/**
 * Justified lines stretch between Han characters and at spaces, never inside a Latin word or a
 * number (「O p e n A I」: `text-justify: inter-character` spreads every character). Read from the
 * glyph positions of the PDF (layout-quality-latin.ts). The check is first shown failing: the seed's
 * own print.html, printed by Chromium once as it is and once with inter-character justification.
 */
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from '../../pipeline/render/print/browser.ts';
import { latinSpread } from './layout-quality-latin.ts';

const seedOut = inject('seedOut');

let session: BrowserSession;
beforeAll(async () => {
  expect(inject('seedBuildError')).toBeNull();
  session = await BrowserSession.launch();
}, 120_000);
afterAll(async () => session?.close());

/** The seed's print.html (fonts from the build's assets/) printed by Chromium without Paged.js. */
async function printSeedHtml(extraCss: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'juan-latin-'));
  symlinkSync(join(seedOut, 'assets'), join(dir, 'assets'));
  const html = readFileSync(join(seedOut, 'print.html'), 'utf8').replace('</head>', `<style>${extraCss}</style></head>`);
  writeFileSync(join(dir, 'print.html'), html);
  const page = await session.browser.newPage();
  try {
    await page.goto(pathToFileURL(join(dir, 'print.html')).href, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    return new Uint8Array(await page.pdf({ preferCSSPageSize: true }));
  } finally {
    await page.close();
  }
}

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
