/**
 * The pages as laid out are saved in the cache (`pages`, the fallback when a cached PDF is gone)
 * by `juan build`, and not by juan preview's builds (savePages: false), whose first view would
 * wait ~0.45 s for them on the 1× volume. On the seed, each way, with its own cache.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { ROOT } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-save-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entries = (cache: string, ns: string) => (existsSync(join(cache, ns)) ? readdirSync(join(cache, ns)).length : 0);

describe('pages as laid out in the cache', () => {
  it('are saved by a build, not by a preview build; both cache layouts and PDFs', async () => {
    const manuscript = join(ROOT, 'manuscript', '论文集.md');
    for (const [name, savePages] of [['build', undefined], ['preview', false]] as const) {
      const cache = join(dir, `cache-${name}`);
      await runBuild({ manuscript, out: join(dir, name), cwd: dir, cacheDir: cache, cache: true, epub: false, savePages });
      expect(entries(cache, 'layout'), name).toBeGreaterThan(0);
      expect(entries(cache, 'pdf'), name).toBeGreaterThan(0);
      if (savePages === false) expect(entries(cache, 'pages'), name).toBe(0);
      else expect(entries(cache, 'pages'), name).toBeGreaterThan(0);
    }
  }, 600_000);
});
