/**
 * The chunked print build and its layout cache, on a 50-paper volume from the benchmark
 * generator with short papers (quick): a cold build, a rebuild from the cache, an edit inside
 * one paper that keeps its page count, and an edit that adds pages. Every build must pass
 * `juan check`; the cache must change nothing in what is printed, and an edit must re-lay out
 * only the paper it touched — also when its page count changed: the papers after it get new
 * folios from their cached pages, reprinted without a layout (tests/print/page-count-edit.test.ts
 * compares such a build with a cold one page by page).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVolume } from '../../bench/make-volume.ts';
import { runBuild, type BuildResult } from '../../pipeline/commands/build.ts';
import { checkBook, formatCheckTable } from '../../pipeline/check/index.ts';
import { ROOT } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-cache-'));
const manuscript = join(dir, '论文集.md');
const cacheDir = join(dir, 'cache');
const builds: Record<string, BuildResult> = {};
const outs: Record<string, string> = {};
let original = '';

async function build(name: string, options: { cache?: boolean } = {}): Promise<BuildResult> {
  outs[name] = join(dir, name);
  const result = await runBuild({ manuscript, out: outs[name], cwd: dir, cacheDir, cache: options.cache, epub: false });
  builds[name] = result;
  return result;
}

const papers = (r: BuildResult) => r.volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
const check = (name: string) =>
  checkBook({ pdf: join(outs[name]!, 'book.pdf'), tocJson: join(outs[name]!, 'toc.json'), markdown: join(outs[name]!, 'manuscript.normalized.md') });

/** The manuscript with `edit` applied to the first body paragraph of the paper titled `title` (after its heading). */
function editPaper(text: string, title: string, edit: (paragraph: string) => string): string {
  const lines = text.split('\n');
  const heading = lines.findIndex((l) => l === `# ${title}`);
  expect(heading).toBeGreaterThan(0);
  const at = lines.findIndex((l, i) => i > heading + 3 && l.length > 60 && !l.startsWith('#') && !l.includes('*'));
  lines[at] = edit(lines[at]!);
  return lines.join('\n');
}

beforeAll(async () => {
  original = makeVolume({ charsPerPaper: 500 });
  writeFileSync(manuscript, original);
  copyFileSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
  await build('nocache', { cache: false });
  await build('cold'); // fills the cache
  await build('warm');
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chunked build, cold and from the cache', () => {
  it('lays out every paper when cold, and passes juan check', async () => {
    const r = builds.nocache!;
    expect(papers(r).length).toBe(50);
    expect(r.report.cache.enabled).toBe(false);
    expect(r.report.cache.papersLaidOut.sort()).toEqual(papers(r).map((p) => p.id).sort());
    const report = await check('nocache');
    expect(report.ok, formatCheckTable(report)).toBe(true);
    expect(report.papersChecked).toBe(50);
  });

  it('rebuilds from the cache without laying anything out: same page map, same 目录, same pages', async () => {
    const cold = builds.cold!;
    const warm = builds.warm!;
    expect(cold.report.cache.papersLaidOut.length).toBe(50);
    expect(warm.report.cache.papersLaidOut).toEqual([]);
    expect(warm.report.cache.chunksLaidOut).toBe(0);
    expect(warm.report.cache.misses).toBe(0);
    expect(warm.pageMap).toEqual(cold.pageMap);
    expect(warm.pageMap).toEqual(builds.nocache!.pageMap);
    expect(readFileSync(join(outs.warm!, 'toc.json'), 'utf8')).toBe(readFileSync(join(outs.cold!, 'toc.json'), 'utf8'));
    expect(readFileSync(join(outs.warm!, 'manuscript.normalized.md'), 'utf8')).toBe(readFileSync(join(outs.cold!, 'manuscript.normalized.md'), 'utf8'));
    const report = await check('warm');
    expect(report.ok, formatCheckTable(report)).toBe(true);
    expect(report.pdfPages).toBe(cold.pageMap.pageCount);
  });
});

describe('an edit re-lays out only what it changed', () => {
  it('one character changed in one paper: only that paper is laid out again', async () => {
    const target = papers(builds.cold!)[24]!;
    // Same length, same width: the paper keeps its page count.
    writeFileSync(manuscript, editPaper(original, target.title, (p) => p.replace(/[\u4e00-\u9fff]/, (c) => (c === '的' ? '之' : '的'))));
    const r = await build('edited');
    expect(r.report.cache.papersLaidOut).toEqual([target.id]);
    expect(r.pageMap).toEqual(builds.cold!.pageMap);
    const report = await check('edited');
    expect(report.ok, formatCheckTable(report)).toBe(true);
  }, 300_000);

  it('a paper that grows by pages: only it is laid out; the papers after it get new folios, the ones before come from the cache', async () => {
    const list = papers(builds.cold!);
    const target = list[40]!;
    const long = '这是编辑在校对时补充的一段很长的文字，用来让这篇论文多出几页。'.repeat(60);
    writeFileSync(manuscript, editPaper(original, target.title, (p) => `${p}\n\n${long}`));
    const r = await build('grown');
    expect(r.report.cache.papersLaidOut).toEqual([target.id]);
    const before = builds.cold!.pageMap;
    const grown = r.pageMap.pageCount - before.pageCount;
    expect(grown).toBeGreaterThanOrEqual(2);
    for (const p of list.slice(0, 41)) expect(r.pageMap.targets[p.id]).toEqual(before.targets[p.id]);
    // The papers after it moved by the added pages (a part page after it may absorb one blank verso).
    for (const p of list.slice(41)) expect(r.pageMap.targets[p.id]!.page - before.targets[p.id]!.page).toBeGreaterThanOrEqual(grown - 1);
    const report = await check('grown');
    expect(report.ok, formatCheckTable(report)).toBe(true);
    expect(report.papersChecked).toBe(50);
  }, 300_000);
});
