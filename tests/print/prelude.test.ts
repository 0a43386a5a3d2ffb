/**
 * The print prelude (pipeline/render/print/prelude.ts): layout tabs opened from book.yaml alone,
 * before the manuscript is read. For the delivered book the shell they load is the one the
 * print writer builds from the read volume, so the build lays out in them; a prelude whose shell
 * differs is not used (closed), and the build still succeeds in tabs of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/load.ts';
import { readVolume, resolveInputs } from '../../pipeline/commands/inputs.ts';
import { BrowserSession, renderPrint } from '../../pipeline/render/print/index.ts';
import { printShell, startPrintPrelude } from '../../pipeline/render/print/prelude.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { projectPath } from '../../pipeline/paths.ts';

const manuscriptDir = projectPath('manuscript');
let volume: Volume;
let config: ReturnType<typeof loadConfig>;
let session: Promise<BrowserSession>;

beforeAll(() => {
  volume = readVolume(resolveInputs({ cwd: projectPath() })).volume;
  config = loadConfig(`${manuscriptDir}/book.yaml`);
  session = BrowserSession.launch();
});
afterAll(async () => {
  await (await session).close();
});

describe('print prelude', () => {
  it('loads the very shell renderPrint builds from the read seed volume', () => {
    expect(printShell(config, false).shell).toBe(printShell(volume.meta, false).shell);
    expect(printShell(config, true).shell).toBe(printShell(volume.meta, true).shell);
  });

  it('lays the book out in the tabs opened before the manuscript was read', async () => {
    const prelude = startPrintPrelude(config, false, session, 2);
    process.env.JUAN_LAYOUT_TABS = '2'; // the seed alone fits one tab (schedule.ts layoutTabs)
    try {
      const result = await renderPrint(volume, { session, prelude });
      expect(result.pageMap.pageCount).toBeGreaterThan(20);
      expect(result.chunks.laidOut).toBe(result.chunks.total);
      expect(prelude.tabs).toHaveLength(0); // both taken by the layout workers
    } finally {
      delete process.env.JUAN_LAYOUT_TABS;
      await prelude.close();
    }
  });

  it('leaves a prelude with another shell unused and lays out in tabs of its own', async () => {
    const prelude = startPrintPrelude(config, true, session, 2); // print-ready shell: other @page rules
    const tabs = [...prelude.tabs];
    try {
      const result = await renderPrint(volume, { session, prelude, printReady: false });
      expect(result.pageMap.pageCount).toBeGreaterThan(20);
      expect(prelude.tabs).toHaveLength(0); // closed by renderPrint, not taken
      // Its tabs were closed, not used: their pages hold no laid-out chunk.
      for (const t of tabs) {
        const tab = await t.catch(() => null); // its server was closed: it may never have loaded
        if (!tab) continue;
        expect(tab.page.isClosed() || (await tab.page.evaluate(() => document.querySelectorAll('.juan-run').length).catch(() => 0)) === 0).toBe(true);
      }
    } finally {
      await prelude.close();
    }
  });
});
