/**
 * The font worker keeps decoded fonts for the install (font-worker.mjs, .cache/juan-fonts):
 * a subset made from a kept font is the subset made from the WOFF, and the kept files are
 * what it reads (a planted wrong font changes the subset).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectPath } from '../../pipeline/paths.ts';
import { fontsourceSources } from '../../pipeline/render/fonts/fontsource.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One subset from a fresh worker (nothing decoded in memory) whose tool cache is `cache`. */
async function subsetIn(cache: string, file: string, text: string): Promise<Uint8Array> {
  const worker = new Worker(projectPath('pipeline', 'render', 'fonts', 'font-worker.mjs'), { env: { ...process.env, JUAN_FONT_CACHE: cache } });
  try {
    const reply = await new Promise<{ data?: Uint8Array; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ id: 1, op: 'subset', file, codepoints: [...text].map((c) => c.codePointAt(0)!) });
    });
    if (!reply.data) throw new Error(reply.error);
    return reply.data;
  } finally {
    await worker.terminate();
  }
}

describe('decoded fonts kept for the install', () => {
  const text = '高质量发展的对策建议，。';
  const serif = fontsourceSources('noto-serif-sc', 400)[0]!.file;
  const sans = fontsourceSources('noto-sans-sc', 500)[0]!.file;

  it('gives the same subset from the kept font as from the WOFF, and reads what it kept', async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'juan-fonts-'));
    dirs.push(cache);
    const fresh = await subsetIn(cache, serif, text);
    const kept = readdirSync(cache).sort();
    expect(kept).toHaveLength(2);
    expect(kept.map((f) => path.extname(f))).toEqual(['.sfnt', '.unicodes']);
    const again = await subsetIn(cache, serif, text);
    expect(Buffer.from(again).equals(Buffer.from(fresh))).toBe(true);

    // The kept files are read: the Hei face planted under the Song face's key gives another subset.
    const other = mkdtempSync(path.join(tmpdir(), 'juan-fonts-'));
    dirs.push(other);
    await subsetIn(other, sans, text);
    const [sfnt, unicodes] = readdirSync(other).sort();
    const base = path.join(cache, path.basename(kept[0]!, '.sfnt'));
    copyFileSync(path.join(other, sfnt!), `${base}.sfnt`);
    copyFileSync(path.join(other, unicodes!), `${base}.unicodes`);
    const planted = await subsetIn(cache, serif, text);
    expect(Buffer.from(planted).equals(Buffer.from(fresh))).toBe(false);
  });
});
