/**
 * The EPUB's paper files through the build cache (epub/index.ts cachedPaperXhtml): the book is byte
 * for byte the one written without a cache — when the cache is filled, when it is read, when every
 * folio moved (an earlier paper grew: the files are reused, their markers renumbered), when one
 * paper was edited (that file alone is written again) — and epubcheck takes it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildCache, flushCacheWrites } from '../../pipeline/cache/store.ts';
import { readVolume, resolveInputs } from '../../pipeline/commands/inputs.ts';
import type { Paragraph } from 'mdast';
import type { PageMap, Volume } from '../../pipeline/model/types.ts';
import { renderEpub } from '../../pipeline/render/epub/index.ts';
import { projectPath } from '../../pipeline/paths.ts';
import { syntheticPageMap } from '../fixtures/epub/page-map.ts';
import { seedVolume } from '../support/seed-volume.ts';
import { countBySeverity, epubcheck } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-epub-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const papers = (v: Volume) => v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** The page map after an edit that added a page before `from`: every later page one further, its folio one more. */
function shifted(map: PageMap, from: number): PageMap {
  const move = <T extends { page: number; folio: string }>(s: T): T => (s.page >= from && /^\d+$/.test(s.folio) ? { ...s, page: s.page + 1, folio: String(Number(s.folio) + 1) } : s);
  return { ...map, pageStarts: map.pageStarts.map(move) };
}

/** Reads of the cache's paper files during `run`. */
async function paperHits(cache: BuildCache, run: () => Promise<Uint8Array>): Promise<{ epub: Uint8Array; hits: number; misses: number }> {
  const { hits, misses } = cache.stats;
  const epub = await run();
  // the cover is the only other entry an EPUB without fonts reads: one hit once it is in
  return { epub, hits: cache.stats.hits - hits - 1, misses: cache.stats.misses - misses };
}

describe('EPUB paper files from the cache', () => {
  it('the seed: the same book filled, read, with moved folios and with an edited paper', async () => {
    const volume = seedVolume();
    const map = syntheticPageMap(volume);
    const n = papers(volume).length;
    const fresh = await renderEpub(volume, map, { embedFont: false });
    const cache = new BuildCache(join(dir, 'seed'));
    await renderEpub(seedVolume(), map, { embedFont: false, cache });
    await flushCacheWrites(); // the build's last step: its entries on disk
    expect(readdirSync(join(dir, 'seed', 'epubpaper'))).toHaveLength(n);

    const read = await paperHits(cache, () => renderEpub(seedVolume(), map, { embedFont: false, cache }));
    expect(same(read.epub, fresh)).toBe(true);
    expect(read.hits).toBe(n);

    // a page added in the first paper: the later papers' markers carry new folios, the files are reused
    const second = map.pageStarts.find((s) => s.blockId.startsWith(papers(volume)[1]!.id))!.page;
    const moved = shifted(map, second);
    const movedFresh = await renderEpub(seedVolume(), moved, { embedFont: false });
    expect(same(movedFresh, fresh)).toBe(false);
    const movedRead = await paperHits(cache, () => renderEpub(seedVolume(), moved, { embedFont: false, cache }));
    expect(same(movedRead.epub, movedFresh)).toBe(true);
    expect(movedRead.hits).toBe(n);

    // one paper edited (a word of its first paragraph): its file is written again, the others read
    const edited = seedVolume();
    const target = papers(edited)[1]!;
    const paragraph = target.body.find((b): b is Paragraph => b.type === 'paragraph' && b.children[0]?.type === 'text')!;
    const first = paragraph.children[0] as { value: string };
    first.value = '编辑改过' + first.value.slice(4);
    const editedFresh = await renderEpub(edited, map, { embedFont: false });
    expect(same(editedFresh, fresh)).toBe(false);
    const editedRead = await paperHits(cache, () => renderEpub(edited, map, { embedFont: false, cache }));
    expect(same(editedRead.epub, editedFresh)).toBe(true);
    expect(editedRead.hits).toBe(n - 1);
  }, 120_000);

  it('the content sample (figures, notes, math, tables), fonts embedded: the same book, and epubcheck passes', async () => {
    const read = () => readVolume(resolveInputs({ cwd: projectPath(), manuscript: projectPath('tests', 'fixtures', 'content', '样稿.md') })).volume;
    const volume = read();
    const map = syntheticPageMap(volume, '。');
    const fresh = await renderEpub(volume, map);
    const cache = new BuildCache(join(dir, 'content'));
    for (const round of ['filled', 'read']) {
      const epub = await renderEpub(read(), map, { cache });
      expect(same(epub, fresh), round).toBe(true);
    }
    // every paper was kept (their ids are all the paper's own: none fell back to the uncached path)
    await flushCacheWrites();
    expect(readdirSync(join(dir, 'content', 'epubpaper'))).toHaveLength(papers(volume).length);
    const messages = epubcheck(await renderEpub(read(), shifted(map, 6), { cache }));
    const counts = countBySeverity(messages);
    expect(counts.fatal + counts.error, JSON.stringify(messages.filter((m) => m.severity !== 'INFO').slice(0, 5))).toBe(0);
  }, 180_000);
});
