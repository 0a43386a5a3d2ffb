/**
 * The pages as laid out are saved in the cache (`pages`, the fallback when a cached PDF is gone)
 * by `juan build`, and not by juan preview's builds (savePages: false), whose first view would
 * wait ~0.45 s for them on the 1× volume. On the seed, each way, with its own cache.
 */
import { execFileSync } from 'node:child_process';
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

  it('print again, stamps and all, when the cached PDFs are gone: no paper laid out, the same pages', async () => {
    // Body pages are laid out without margin boxes; the stamps (folio digits, running heads) are
    // copied from Paged.js's page template, so a tab holding only pages put back from the cache prints them too.
    const manuscript = join(ROOT, 'manuscript', '论文集.md');
    const cache = join(dir, 'cache-build');
    rmSync(join(cache, 'pdf'), { recursive: true, force: true });
    const again = await runBuild({ manuscript, out: join(dir, 'again'), cwd: dir, cacheDir: cache, cache: true, epub: false });
    expect(again.report.cache.papersLaidOut).toEqual([]);
    expect(entries(cache, 'pdf')).toBeGreaterThan(0);
    const raster = (out: string) => execFileSync('pdftoppm', ['-r', '30', '-gray', join(dir, out, 'book.pdf')], { maxBuffer: 1 << 28 });
    expect(raster('again').equals(raster('build'))).toBe(true);
  }, 600_000);
});
