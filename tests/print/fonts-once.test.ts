/**
 * Fonts as a printer's preflight sees them (poppler's pdffonts, an independent reader): each
 * face once, under its real name; and a cold and a cached build give the same bytes (the
 * cached one takes the faces' compressed streams from the cache).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runBuild } from '../../pipeline/commands/build.ts';
import { pdffonts } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const seedOut = inject('seedOut');
const buildError = inject('seedBuildError');
const temp = mkdtempSync(join(tmpdir(), 'juan-fonts-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('seed build: fonts a printer trusts', () => {
  it('embeds each face once, under the family’s real name', () => {
    expect(buildError).toBeNull();
    const names = pdffonts(join(seedOut, 'book.pdf')).map((f) => f.name.replace(/^[A-Z]{6}\+/, ''));
    expect(names.slice().sort()).toEqual(['LXGWWenKai-Regular', 'NotoSansSC-Bold', 'NotoSansSC-Medium', 'NotoSerifSC-Bold', 'NotoSerifSC-Regular']);
  });

  it('gives the same bytes from a cold and a cached build', async () => {
    const cacheDir = join(temp, 'cache');
    // the seed fits one tab by default; two make the cold build's PDFs (and their font copies) differ from the cached one's
    process.env.JUAN_LAYOUT_TABS = '2';
    try {
      await runBuild({ cwd: ROOT, out: join(temp, 'cold'), cacheDir, epub: false, browser: true });
    } finally {
      delete process.env.JUAN_LAYOUT_TABS;
    }
    const second = await runBuild({ cwd: ROOT, out: join(temp, 'cached'), cacheDir, epub: false, browser: true });
    expect(second.report.cache.hits).toBeGreaterThan(0);
    expect(second.report.cache.chunksLaidOut).toBe(0);
    const cold = readFileSync(join(temp, 'cold', 'book.pdf'));
    const cached = readFileSync(join(temp, 'cached', 'book.pdf'));
    expect(cached.equals(cold)).toBe(true);
    expect(pdffonts(join(temp, 'cached', 'book.pdf'))).toHaveLength(5);
    // Each face's compressed program and ToUnicode map were taken from the cache (pdf/fonts.ts
    // FlateCache), not compressed again — the same bytes. That they really are taken from
    // there: entries replaced by other (valid) streams change the next build's PDF.
    const flate = join(cacheDir, 'flate');
    const entries = readdirSync(flate);
    expect(entries).toHaveLength(10);
    for (const name of entries) writeFileSync(join(flate, name), deflateSync(Buffer.from('planted')));
    await runBuild({ cwd: ROOT, out: join(temp, 'planted'), cacheDir, epub: false, browser: true });
    expect(readFileSync(join(temp, 'planted', 'book.pdf')).equals(cold)).toBe(false);
  }, 600_000);
});
