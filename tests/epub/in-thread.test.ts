/**
 * The EPUB made in its thread (render/epub/in-thread.ts) is the one renderEpub makes on the main
 * thread, byte for byte; the thread's use of the build cache is counted in the build's cache;
 * an error in the thread comes back as the same JuanError (kind, file), not as a crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildCache } from '../../pipeline/cache/store.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { renderEpub } from '../../pipeline/render/epub/index.ts';
import { renderEpubInThread } from '../../pipeline/render/epub/in-thread.ts';
import { JuanError } from '../../pipeline/report/errors.ts';
import { syntheticPageMap } from '../fixtures/epub/page-map.ts';
import { seedVolume } from '../support/seed-volume.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-epub-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('renderEpubInThread', () => {
  it('gives the bytes renderEpub gives, and counts its cache use in the build cache', { timeout: 120_000 }, async () => {
    const volume = await seedVolume();
    const pageMap = syntheticPageMap(volume);
    const inProcess = await renderEpub(volume, pageMap);
    const cache = new BuildCache(join(dir, 'cache'));
    const first = await renderEpubInThread(volume, pageMap, { cache });
    expect(same(first, inProcess)).toBe(true);
    expect(cache.stats.writes).toBeGreaterThan(0); // the cover, the fonts, the paper files: written by the thread
    const written = cache.stats.writes;
    const again = await renderEpubInThread(volume, pageMap, { cache });
    expect(same(again, inProcess)).toBe(true);
    expect(cache.stats.hits).toBeGreaterThan(0);
    expect(cache.stats.writes).toBe(written); // all read back, nothing new
  });

  it('passes a JuanError from the thread back as a JuanError with its kind and file', { timeout: 120_000 }, async () => {
    const volume = await seedVolume();
    const empty: Volume = { ...volume, parts: [] };
    const error = await renderEpubInThread(empty, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JuanError);
    expect((error as JuanError).kind).toBe('content');
    expect((error as JuanError).file).toBe(volume.source);
    expect((error as JuanError).message).toContain('EPUB');
  });
});
