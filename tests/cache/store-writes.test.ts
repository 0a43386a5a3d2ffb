/**
 * BuildCache writes in Node's thread pool (store.ts `pending`): an entry put is readable at once,
 * on disk whole (no temp file left) once flushCacheWrites resolves, and a write that cannot
 * happen is neither counted nor read back after the flush.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildCache, flushCacheWrites } from '../../pipeline/cache/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cache writes in the thread pool', () => {
  it('an entry is read back before its write ends, and is on disk, whole, after the flush', async () => {
    const cache = new BuildCache(join(dir, 'a'));
    const big = 'x'.repeat(4 << 20);
    cache.putJson('layout', 'k1', { pages: [1, 2, 3], big });
    // another cache object on the same folder (the parse cache is one) sees it too
    expect(new BuildCache(join(dir, 'a')).getJson<{ pages: number[] }>('layout', 'k1')?.pages).toEqual([1, 2, 3]);
    expect(cache.stats.writes).toBe(1);
    await flushCacheWrites();
    const file = join(dir, 'a', 'layout', 'k1.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).big.length).toBe(big.length);
    expect(readdirSync(join(dir, 'a', 'layout'))).toEqual(['k1.json']); // no temp file left behind
  });

  it('writes the bytes as they were when put, whatever the caller does with its buffer afterwards', async () => {
    const cache = new BuildCache(join(dir, 'e'));
    const bytes = new Uint8Array([1, 2, 3, 4]);
    cache.put('pdf', 'k', 'pdf', bytes);
    bytes.fill(9);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] }); // detached, as a transfer to a thread leaves it
    await flushCacheWrites();
    expect([...readFileSync(join(dir, 'e', 'pdf', 'k.pdf'))]).toEqual([1, 2, 3, 4]);
  });

  it('many entries at once all arrive', async () => {
    const cache = new BuildCache(join(dir, 'b'));
    for (let i = 0; i < 400; i++) cache.putJson('place', `s${i}`, { pdf: 'p', from: i, count: 1 });
    await flushCacheWrites();
    expect(readdirSync(join(dir, 'b', 'place')).length).toBe(400);
    expect(new BuildCache(join(dir, 'b')).getJson<{ from: number }>('place', 's399')?.from).toBe(399);
  });

  it('a write that fails is not counted, leaves no temp file and is not read back', async () => {
    // the entry's name is taken by a folder with something in it: the rename onto it fails (also for root)
    const folder = join(dir, 'c');
    mkdirSync(join(folder, 'layout', 'k.json', 'inside'), { recursive: true });
    const cache = new BuildCache(folder);
    cache.putJson('layout', 'k', { a: 1 });
    expect(cache.stats.writes).toBe(1); // counted when asked for …
    await flushCacheWrites();
    expect(cache.stats.writes).toBe(0); // … and taken back when it failed
    expect(readdirSync(join(folder, 'layout'))).toEqual(['k.json']);
    expect(cache.getJson('layout', 'k')).toBeNull();
  });

  it('a write into a folder removed meanwhile fails quietly (as before), and the next put makes the folder again', async () => {
    const folder = join(dir, 'd');
    const cache = new BuildCache(folder);
    cache.putJson('layout', 'k', { a: 1 });
    await flushCacheWrites();
    rmSync(folder, { recursive: true, force: true });
    cache.putJson('layout', 'k2', { a: 2 });
    await flushCacheWrites();
    expect(cache.getJson<{ a: number }>('layout', 'k2')?.a).toBe(2);
  });
});
