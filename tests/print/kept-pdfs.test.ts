/**
 * juan preview keeps the cached papers' PDFs parsed between builds (kept-pdfs.ts): a save merges
 * the book without reading and parsing them again. Checked on the seed: after an edit in one
 * paper, the build that reuses the first build's parses reads no cached PDF from disk again and
 * parses none again, and its book.pdf has the same bytes as the same build without them.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PDFDocument } from 'pdf-lib';
import { runBuild } from '../../pipeline/commands/build.ts';
import { KeptPdfs } from '../../pipeline/render/print/kept-pdfs.ts';
import { ROOT } from '../support/cli.ts';

/** Counts the parses it starts itself (a parse found from an earlier build is not counted). */
class CountingKeptPdfs extends KeptPdfs {
  parses = 0;
  override parsed(data: Uint8Array, parse: () => Promise<PDFDocument>): Promise<PDFDocument> {
    return super.parsed(data, () => {
      this.parses++;
      return parse();
    });
  }
}

describe('KeptPdfs', () => {
  it('hands out the same bytes and parse for a name, and forgets what a build did not read', async () => {
    const kept = new KeptPdfs();
    const a = new Uint8Array([1]);
    kept.keep('a', a);
    kept.keep('b', new Uint8Array([2]));
    let parses = 0;
    const parse = async () => ({ n: ++parses }) as unknown as PDFDocument;
    const first = kept.parsed(a, parse);
    expect(kept.parsed(a, parse)).toBe(first);
    kept.endBuild();
    expect(kept.read('a')).toBe(a); // the next build reads a, not b
    kept.endBuild();
    expect(kept.read('b')).toBeUndefined();
    expect(kept.read('a')).toBe(a);
    expect(kept.parsed(kept.read('a')!, parse)).toBe(first);
    expect(parses).toBe(1);
  });

  it('a rebuild with the parses of the build before gives the same book.pdf, parsing no cached PDF again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juan-kept-'));
    const manuscript = join(dir, '论文集.md');
    const source = readFileSync(join(ROOT, 'manuscript', '论文集.md'), 'utf8');
    cpSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
    const kept = new CountingKeptPdfs();
    const build = (out: string, cacheDir: string, keptPdfs?: KeptPdfs) => runBuild({ manuscript, out: join(dir, out), cwd: dir, cacheDir: join(dir, cacheDir), epub: false, keptPdfs });

    writeFileSync(manuscript, source);
    await build('first', 'cache', kept);
    expect(kept.parses).toBe(0); // a cold cache: nothing cached to parse ahead
    // the same manuscript again: every page from the cache, each cached PDF parsed once and kept
    await build('second', 'cache', kept);
    const cachedSources = kept.parses;
    expect(cachedSources).toBeGreaterThan(0);
    expect(kept.size).toBe(cachedSources);

    // one paragraph of the last paper edited: the papers before it come from the kept parses
    const at = source.lastIndexOf('\n', Math.floor(source.length * 0.9)) + 1;
    writeFileSync(manuscript, source.slice(0, at) + '（编辑校改）' + source.slice(at));
    cpSync(join(dir, 'cache'), join(dir, 'cache-copy'), { recursive: true });
    const before = kept.parses;
    await build('kept', 'cache', kept);
    expect(kept.parses).toBe(before); // the edited paper's pages are printed anew; no cached PDF is parsed again
    expect(kept.size).toBe(cachedSources);
    await build('fresh', 'cache-copy');
    expect(Buffer.compare(readFileSync(join(dir, 'kept', 'book.pdf')), readFileSync(join(dir, 'fresh', 'book.pdf')))).toBe(0);
  }, 300_000);
});
