/**
 * The print HTML built from pieces (print/document.ts printBook: each paper's section serialised on
 * its own or taken from the cache, put into the skeleton of the rest) is byte for byte what the
 * whole-book path gives (printBody → planChunks → chunkBodyHtml, printDocument): on the seed, the
 * content sample (math, notes, tables, figures), the real manuscripts and a bench volume — and a
 * cache never hands back a paper that changed: an edited paper is built again, the others are
 * reused, also when the edit moves them (an earlier paper grew).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeVolume } from '../../bench/make-volume.ts';
import { readVolume, resolveInputs } from '../../pipeline/commands/inputs.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { BuildCache, flushCacheWrites } from '../../pipeline/cache/store.ts';
import { chunkBodyHtml, planChunks } from '../../pipeline/render/print/chunk-plan.ts';
import { printBody, printBook, printDocument } from '../../pipeline/render/print/document.ts';
import { rectoHeads } from '../../pipeline/render/running-head.ts';
import { projectPath } from '../../pipeline/paths.ts';
import { fixtures, manuscriptOf } from '../normalize/real-corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-print-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STYLES = { fonts: '@font-face{}', page: '@page{}', shared: 'p{}', print: 'h1{}' };
const read = (manuscript: string): Volume => readVolume(resolveInputs({ cwd: projectPath(), manuscript })).volume;
const papers = (v: Volume) => v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));

/** The whole-book path, as renderPrint had it. */
async function wholeBook(volume: Volume) {
  const heads = await rectoHeads(volume);
  const body = printBody(volume, heads);
  const plans = planChunks(volume, body);
  return { heads, bodies: plans.map(chunkBodyHtml), document: printDocument(volume, STYLES, body), titles: plans.map((p) => JSON.stringify(p.content)) };
}

function benchVolume(name: string, text: string): string {
  const folder = join(dir, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '论文集.md'), text);
  copyFileSync(projectPath('manuscript', 'book.yaml'), join(folder, 'book.yaml'));
  return join(folder, '论文集.md');
}

const cases: Array<[string, () => string]> = [
  ['the seed', () => projectPath('manuscript', '论文集.md')],
  ['the content sample', () => projectPath('tests', 'fixtures', 'content', '样稿.md')],
  ...fixtures().map((name): [string, () => string] => [`real: ${name}`, () => manuscriptOf(name)]),
];

describe('print HTML from pieces = the whole-book serialisation', () => {
  it.each(cases)('%s: chunks, their content and print.html, without and with the cache', async (_name, manuscript) => {
    const volume = read(manuscript());
    const whole = await wholeBook(volume);
    const cache = new BuildCache(join(dir, `cache-${_name.replace(/\W+/g, '-')}`));
    for (const round of ['no cache', 'cache filled', 'cache read']) {
      const book = printBook(volume, whole.heads, round === 'no cache' ? undefined : cache);
      expect(book.bodies, round).toEqual(whole.bodies);
      expect(book.document(STYLES), round).toBe(whole.document);
      // the plans' content (read for error messages) is the real chunk, papers put in
      expect(book.plans.map(chunkBodyHtml), round).toEqual(whole.bodies);
      expect(book.plans.map((p) => JSON.stringify(p.content)), round).toEqual(whole.titles);
      if (round === 'cache read') expect(book.reused).toBe(papers(volume).length);
      else expect(book.built).toBe(papers(volume).length);
    }
  }, 120_000);
});

describe('the paper HTML cache', () => {
  const original = makeVolume({ charsPerPaper: 600 });
  const lines = original.split('\n');
  const toc = lines.findIndex((l) => l.startsWith('# 目'));
  const headings = lines.flatMap((l, i) => (i > toc && l.startsWith('# ') ? [i] : []));

  it('builds an edited paper again and reuses the others — also when the edit moves them', async () => {
    const cache = new BuildCache(join(dir, 'cache-edits'));
    const base = read(benchVolume('base', original));
    const primed = printBook(base, await rectoHeads(base), cache);
    expect(primed.built).toBe(papers(base).length);

    // a word changed in the 5th paper's first body paragraph
    const at = lines.findIndex((l, i) => i > headings[4]! + 3 && l.length > 40 && !l.startsWith('#'));
    const edited = [...lines];
    edited[at] = edited[at]!.replace(/^(.{10})./u, '$1改');
    // a paragraph added to the 2nd paper: every later paper starts lower in the manuscript
    const grown = [...lines.slice(0, headings[2]), '', '编辑补充的一段文字，使后面各篇在书稿里的位置都向后移动。'.repeat(8), '', ...lines.slice(headings[2])];

    for (const [name, text, changed] of [['edit', edited.join('\n'), 4], ['grow', grown.join('\n'), 1]] as const) {
      const volume = read(benchVolume(name, text));
      const heads = await rectoHeads(volume);
      const fresh = printBook(volume, heads);
      const cached = printBook(volume, heads, new BuildCache(join(dir, 'cache-edits')));
      expect(cached.bodies, name).toEqual(fresh.bodies);
      expect(cached.document(STYLES), name).toBe(fresh.document(STYLES));
      expect(cached.built, name).toBe(1);
      expect(cached.reused, name).toBe(papers(volume).length - 1);
      // the changed paper's chunk (front matter is chunk 0) differs from before: the cache did not hand back the old one
      expect(cached.bodies[changed + 1], name).not.toBe(primed.bodies[changed + 1]);
      // the papers after it are the same HTML as before, though they moved in the manuscript
      expect(cached.bodies.slice(changed + 2), name).toEqual(primed.bodies.slice(changed + 2));
      if (name === 'grow') expect(papers(volume)[5]!.position.line).toBeGreaterThan(papers(base)[5]!.position.line);
    }
  }, 120_000);

  it('a key that ignored the content would serve the stale paper (the check can fail)', async () => {
    // the same edit with a cache entry planted under the edited paper's key: what a stale cache would give
    const cache = new BuildCache(join(dir, 'cache-stale'));
    const at = lines.findIndex((l, i) => i > headings[4]! + 3 && l.length > 40 && !l.startsWith('#'));
    const edited = [...lines];
    edited[at] = edited[at]!.replace(/^(.{10})./u, '$1改');
    const volume = read(benchVolume('stale', edited.join('\n')));
    const heads = await rectoHeads(volume);
    const fresh = printBook(volume, heads);
    printBook(volume, heads, cache);
    await flushCacheWrites(); // on disk before the entry is planted there
    const target = papers(volume)[4]!.id;
    for (const file of readdirSync(join(dir, 'cache-stale', 'paperhtml'))) {
      const path = join(dir, 'cache-stale', 'paperhtml', file);
      const html = readFileSync(path, 'utf8');
      if (html.includes(`id="${target}"`)) writeFileSync(path, html.replace('改', '旧'));
    }
    const stale = printBook(volume, heads, cache);
    expect(stale.reused).toBe(papers(volume).length);
    expect(stale.bodies[5]).not.toBe(fresh.bodies[5]);
  }, 120_000);
});

describe('running heads from the cache', () => {
  it('equal the measured ones, and a changed title is measured again', async () => {
    const cache = new BuildCache(join(dir, 'cache-heads'));
    const volume = read(projectPath('manuscript', '论文集.md'));
    const measured = await rectoHeads(volume);
    expect(await rectoHeads(volume, cache)).toEqual(measured); // filled
    const hits = cache.stats.hits;
    expect(await rectoHeads(volume, cache)).toEqual(measured); // read
    expect(cache.stats.hits).toBe(hits + 1);
    // a title that no longer fits the head line: the kept heads do not answer for it
    const paper = papers(volume)[0]!;
    paper.title = `${"编辑改过的标题".repeat(6)}${paper.title}`;
    const again = await rectoHeads(volume, cache);
    expect(again.get(paper.id)).toBe((await rectoHeads(volume)).get(paper.id));
    expect(again.get(paper.id)).not.toBe(measured.get(paper.id));
  }, 120_000);
});
