/**
 * paged-handlers.js replaces a few Paged.js methods to lay out faster (binary text break, known
 * page-area size, no resize watch, overflow deleted, next-task queue, slim page template, no
 * Footnotes handler). Each is applied only when Paged.js's method has the fingerprint of the one
 * it mirrors. Here the seed is laid out with them and with stock Paged.js (but for the queue's
 * tick, which only decides when the next page is laid out): same pages, same text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVolume, resolveInputs } from '../../pipeline/commands/inputs.ts';
import { BrowserSession, renderPrint, type PrintResult } from '../../pipeline/render/print/index.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { projectPath } from '../../pipeline/paths.ts';
import { readPdf, squeeze } from './helpers.ts';

const ALL = ['Queue.tick', 'Chunker.pageTemplate', 'Page.addListeners', 'Page.create', 'Layout.textBreak', 'Layout.removeOverflow', 'drop Footnotes', 'AtPage.finalizePage', 'Layout.maxChars', 'Layout.hyphenateAtBreak', 'Page.layout', 'Layout.constructor'];

let volume: Volume;
let session: Promise<BrowserSession>;
const patches: Record<'patched' | 'stock', Array<{ applied: string[]; skipped: string[] }>> = { patched: [], stock: [] };
const results: Partial<Record<'patched' | 'stock', PrintResult>> = {};

async function layOut(mode: 'patched' | 'stock'): Promise<PrintResult> {
  const result = await renderPrint(volume, {
    session,
    stockPaged: mode === 'stock',
    inspect: async (page) => void patches[mode].push(await page.evaluate(() => window.__juan.patches)),
  });
  results[mode] = result;
  return result;
}

beforeAll(async () => {
  volume = readVolume(resolveInputs({ cwd: projectPath() })).volume;
  session = BrowserSession.launch();
  await layOut('patched');
  await layOut('stock');
}, 600_000);
afterAll(async () => {
  await (await session).close();
});

describe('Paged.js replacements', () => {
  it('are all applied on the pinned Paged.js (their fingerprints match) and none in stock mode', () => {
    expect(patches.patched.length).toBeGreaterThan(0);
    for (const p of patches.patched) {
      expect([...p.applied].sort()).toEqual([...ALL].sort());
      expect(p.skipped).toEqual([]);
    }
    // The next-task queue stays: a minimized window gets almost no animation frames.
    for (const p of patches.stock) expect(p.applied).toEqual(['Queue.tick']);
  });

  it('lay the seed out as stock Paged.js does: same page count, page map and text on every page', async () => {
    const a = results.patched!;
    const b = results.stock!;
    expect(a.pageMap.pageCount).toBeGreaterThan(20);
    expect(b.pageMap).toEqual(a.pageMap);
    const [pa, pb] = await Promise.all([readPdf(a.pdf), readPdf(b.pdf)]);
    expect(pb.length).toBe(pa.length);
    pa.forEach((page, i) => expect(squeeze(pb[i]!.text), `page ${i + 1}`).toBe(squeeze(page.text)));
  });
});
