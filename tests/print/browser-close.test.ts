/**
 * BrowserSession.close kills Chromium's process group instead of asking it to quit
 * (browser.ts): every process of the group must go — the browser, its zygote, renderers and
 * GPU process — and the temporary profile (browser.ts's on /dev/shm, or puppeteer-core's)
 * must be removed when close() resolves.
 * The same check run before close() finds the live processes (so it can fail).
 */
import { existsSync, readdirSync, readFileSync, statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BrowserSession, RAM_PROFILE_CACHE } from '../../pipeline/render/print/browser.ts';

/** Live (not zombie) processes whose process group is `pgid` (Linux /proc). */
function groupMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp …
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') live.push(Number(name));
    } catch {
      /* ended meanwhile */
    }
  }
  return live;
}

describe('closing the browser', () => {
  it('leaves none of its processes and no temporary profile', async () => {
    const session = await BrowserSession.launch();
    session.warmWindows(2);
    const a = await session.newPage('http://127.0.0.1:9', { intercept: false, minimized: true });
    const b = await session.newPage('http://127.0.0.1:9', { intercept: false, minimized: true });
    await Promise.all([a.page.setContent('<p>一</p>'), b.page.setContent('<p>二</p>')]);
    const proc = session.browser.process()!;
    const profile = proc.spawnargs.find((arg) => arg.startsWith('--user-data-dir='))!.slice('--user-data-dir='.length);
    const before = groupMembers(proc.pid!);
    // The browser, its zygote(s), two renderers and the GPU process at least: the check sees them.
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before).toContain(proc.pid);
    expect(existsSync(profile)).toBe(true);
    // On the RAM file system when it has room (browser.ts ramProfileDir); this session's own folder.
    const shm = (() => { try { const fs = statfsSync('/dev/shm'); return fs.bavail * fs.bsize >= 256 * 2 ** 20; } catch { return false; } })();
    expect(profile.startsWith('/dev/shm/juan-chromium-')).toBe(shm);
    expect(proc.spawnargs.includes(`--disk-cache-size=${RAM_PROFILE_CACHE}`), 'its HTTP cache is bounded there').toBe(shm);
    await a.close(); // returns at once, the window closes in the background: close() must not trip over it
    await session.close();
    expect(existsSync(profile)).toBe(false);
    // SIGKILL reached them all; a process the kernel is still tearing down gets a moment to go.
    const deadline = Date.now() + 5_000;
    while (groupMembers(proc.pid!).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(groupMembers(proc.pid!)).toEqual([]);
    await session.close(); // a second call waits for the first one
  }, 120_000);
});
