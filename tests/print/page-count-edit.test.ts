/**
 * An edit that changes the second paper's page count (issue 18), on a 50-paper volume from the
 * benchmark generator with short papers: only that paper is laid out and printed again; every
 * paper after it keeps its bare pages from the cached PDFs (no layout, no print) and gets its new
 * folio, running head and side from the furniture pages stamped at the merge — and the book
 * equals a cold build of the edited manuscript page by page — rasterised (pdftoppm -r 40 -gray,
 * bytes per page) and as text (pdftotext -bbox: every word and its place, per page) — with the
 * same page map, toc.json and normalized manuscript, and `juan check` passes. What Chromium
 * printed is counted: only the front matter, paper 2 and the few stamps no earlier page carried. The comparison is
 * shown to catch a folio stamped on the wrong page. The page added flips the parity of what
 * follows it, so the part page after paper 2 gets or loses its blank verso and stays on a recto.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { makeVolume } from '../../bench/make-volume.ts';
import { rectoHeads } from '../../pipeline/render/running-head.ts';
import { runBuild, type BuildResult } from '../../pipeline/commands/build.ts';
import { checkBook, formatCheckTable } from '../../pipeline/check/index.ts';
import { ROOT } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'juan-page-count-'));
const manuscript = join(dir, '论文集.md');
const cacheDir = join(dir, 'cache');
let original = '';
let lines: string[] = [];
/** Line indexes of the papers' headings. */
let headings: number[] = [];
let cold: BuildResult;

async function build(name: string, text: string, cache: string | false = cacheDir): Promise<BuildResult> {
  writeFileSync(manuscript, text);
  return runBuild({ manuscript, out: join(dir, name), cwd: dir, cacheDir: cache || undefined, cache: cache !== false, epub: false });
}

const papers = (r: BuildResult) => r.volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
const paper2Pages = (r: BuildResult) => {
  const [, second, third] = papers(r);
  return r.pageMap.targets[third!.id]!.page - r.pageMap.targets[second!.id]!.page;
};

/** A paragraph of `len` CJK characters at the end of paper 2; `mark` changes one character (same line breaks, another layout). */
function addToPaper2(len: number, mark: string): string {
  const filler = `编辑在第${mark}轮校对时补充的文字用来让这篇论文多出一页`;
  const text = filler.repeat(Math.ceil(len / filler.length)).slice(0, len);
  return [...lines.slice(0, headings[2]), '', text, '', ...lines.slice(headings[2])].join('\n');
}

interface Word { x: number; y: number; w: string }

/** Every page of a PDF rasterised at 40 dpi in grey, and its words. */
function pagesOf(name: string): Array<{ image: Buffer; words: Word[] }> {
  const pdf = join(dir, name, 'book.pdf');
  const out = join(dir, `${name}-pages`);
  mkdirSync(out, { recursive: true });
  execFileSync('pdftoppm', ['-r', '40', '-gray', pdf, join(out, 'p')]);
  const images = readdirSync(out).sort().map((f) => readFileSync(join(out, f)));
  // Each page's words with their places, sorted by place: the 目录 reprinted after an edit draws
  // the same words at the same places in another order than a cold build does.
  const xml = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const texts = xml.split('<page ').slice(1).map((page) =>
    [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<\/word>/g)]
      .map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: m[3]! }))
      .sort((a, b) => Math.round(a.y * 10) - Math.round(b.y * 10) || a.x - b.x), // a line's words differ by ~0.001 pt in y
  );
  expect(texts.length).toBe(images.length);
  return images.map((image, i) => ({ image, words: texts[i]! }));
}

/** The pages that differ between two builds' PDFs (1-based), by image and by text. */
function differingPages(a: string, b: string): { count: [number, number]; images: number[]; texts: Array<{ page: number; line: string; cold: string }> } {
  const pa = pagesOf(a);
  const pb = pagesOf(b);
  const images: number[] = [];
  const texts: Array<{ page: number; line: string; cold: string }> = [];
  pa.forEach((p, i) => {
    if (!pb[i] || !p.image.equals(pb[i]!.image)) images.push(i + 1);
    // Same words at the same places (a page's position in its tab's document moves it by ~0.001 pt).
    const wb = pb[i]?.words ?? [];
    const k = p.words.findIndex((w, j) => !wb[j] || w.w !== wb[j]!.w || Math.abs(w.x - wb[j]!.x) > 0.05 || Math.abs(w.y - wb[j]!.y) > 0.05);
    if (k >= 0 || p.words.length !== wb.length) {
      const at = k >= 0 ? k : Math.min(p.words.length, wb.length);
      texts.push({ page: i + 1, line: JSON.stringify(p.words[at] ?? null), cold: JSON.stringify(wb[at] ?? null) });
    }
  });
  return { count: [pa.length, pb.length], images, texts };
}

/** The part page right after paper 2: its physical page, its folio, and whether a blank verso precedes it. */
function partAfterPaper2(r: BuildResult): { page: number; folio: number; blankBefore: boolean } {
  const second = papers(r)[1]!;
  const parts = r.volume.parts.filter((p) => p.chapters.length && r.pageMap.targets[p.id]);
  const part = parts.find((p) => r.pageMap.targets[p.id]!.page > r.pageMap.targets[second.id]!.page)!;
  const at = r.pageMap.targets[part.id]!;
  return { page: at.page, folio: Number(at.folio), blankBefore: r.pageMap.pages[at.page - 2]!.blank };
}

async function expectSameAsCold(edited: BuildResult, name: string, fresh: BuildResult, freshName: string): Promise<void> {
  expect(edited.pageMap).toEqual(fresh.pageMap);
  for (const file of ['toc.json', 'manuscript.normalized.md']) {
    expect(readFileSync(join(dir, name, file), 'utf8'), file).toBe(readFileSync(join(dir, freshName, file), 'utf8'));
  }
  const diff = differingPages(name, freshName);
  expect(diff.count[0]).toBe(fresh.pageMap.pageCount);
  expect(diff).toEqual({ count: [fresh.pageMap.pageCount, fresh.pageMap.pageCount], images: [], texts: [] });
  const report = await checkBook({ pdf: join(dir, name, 'book.pdf'), tocJson: join(dir, name, 'toc.json'), markdown: join(dir, name, 'manuscript.normalized.md') });
  expect(report.ok, formatCheckTable(report)).toBe(true);
  expect(report.papersChecked).toBe(50);
}

/** The tab PDFs a build wrote to the cache: what Chromium printed in it, in pages. */
function pagesPrintedSince(before: Set<string>): number {
  const pdfs = readdirSync(join(cacheDir, 'pdf')).filter((f) => !before.has(f));
  return pdfs.reduce((n, f) => n + Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [join(cacheDir, 'pdf', f)], { encoding: 'utf8' }))![1]), 0);
}

/**
 * The furniture a build's body pages carry, as the reader sees it: a running head (side and
 * text: a verso's is the book's, a recto's its paper's) on every page with a folio that is not a
 * paper's first, and each folio digit in its place — independent of the code that stamps them.
 */
async function stampsOf(r: BuildResult): Promise<Set<string>> {
  const heads = await rectoHeads(r.volume);
  const firsts = papers(r).map((p) => ({ id: p.id, page: r.pageMap.targets[p.id]!.page }));
  const out = new Set<string>();
  for (const p of r.pageMap.pages) {
    if (p.section !== 'body' || !p.printed) continue;
    const recto = Number(p.folio) % 2 === 1;
    const paper = firsts.filter((f) => f.page <= p.page).pop();
    if (paper && paper.page !== p.page) out.add(`head ${recto ? heads.get(paper.id) : 'verso'}`);
    // a folio is a stamp per digit and its place, counted from the outer edge
    const digits = [...p.folio];
    digits.forEach((d, i) => out.add(`folio ${recto ? 'r' : 'l'} ${d}@${recto ? digits.length - 1 - i : i}`));
  }
  return out;
}

/** A copy of build `name` whose pages `a` and `b` (1-based, folios of as many digits) have each other's stamps (running head, folio digits). */
async function swapFurniture(name: string, a: number, b: number, to: string): Promise<void> {
  const doc = await PDFDocument.load(readFileSync(join(dir, name, 'book.pdf')));
  const xobjects = (n: number) => doc.context.lookup(doc.getPage(n - 1).node.Resources()!.get(PDFName.of('XObject'))) as PDFDict;
  const stamps = (n: number) => xobjects(n).entries().filter(([k]) => k.asString().startsWith('/JuanStamp'));
  const sa = stamps(a);
  const sb = stamps(b);
  expect(sa.length).toBeGreaterThanOrEqual(2); // head, a stamp per folio digit
  expect(sb.length).toBe(sa.length);
  sa.forEach(([k], i) => xobjects(a).set(k, sb[i]![1]));
  sb.forEach(([k], i) => xobjects(b).set(k, sa[i]![1]));
  mkdirSync(join(dir, to), { recursive: true });
  writeFileSync(join(dir, to, 'book.pdf'), await doc.save());
}

let addLength = 0;
const addedCache = join(dir, 'cache-added');

beforeAll(async () => {
  original = makeVolume({ charsPerPaper: 800 });
  lines = original.split('\n');
  const tocLine = lines.findIndex((l) => l.startsWith('# 目'));
  headings = lines.flatMap((l, i) => (i > tocLine && l.startsWith('# ') ? [i] : []));
  copyFileSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
  cold = await build('cold', original);
  // The length that adds exactly one page to paper 2, in steps of a fifth of a page, found on a copy of the cache (this one keeps only the cold build).
  const scratch = join(dir, 'cache-scratch');
  cpSync(cacheDir, scratch, { recursive: true });
  const step = Math.ceil(lines.slice(headings[1], headings[2]).join('').length / paper2Pages(cold) / 5);
  for (let len = step; !addLength && len < 50 * step; len += step) {
    const n = paper2Pages(await build('scratch', addToPaper2(len, '零'), scratch));
    if (n === paper2Pages(cold) + 1) addLength = len;
  }
}, 900_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an edit that changes a paper’s page count lays out only that paper', () => {
  let added: BuildResult;

  it('adds a page to paper 2: one paper laid out and printed, the rest from the cached PDFs with new furniture, pages equal to a cold build', async () => {
    expect(addLength, 'no paragraph length adds exactly one page to paper 2').toBeGreaterThan(0);
    const text = addToPaper2(addLength, '一');
    const pdfsBefore = new Set(readdirSync(join(cacheDir, 'pdf')));
    added = await build('added', text);
    const second = papers(added)[1]!;
    expect(paper2Pages(added)).toBe(paper2Pages(cold) + 1);
    expect(added.report.cache.papersLaidOut).toEqual([second.id]);
    // Printed: the front matter (its 目录 changed), paper 2, and a stamp page for each running head or folio no
    // page of the cold build carried (the new last folio; a paper's recto head when it had no recto but its first page) — no page of a later paper.
    const frontPages = added.pageMap.pages.filter((p) => p.section === 'front').length;
    const before = await stampsOf(cold);
    const newStamps = [...(await stampsOf(added))].filter((s) => !before.has(s));
    expect(newStamps.length).toBeLessThan(papers(added).length);
    expect(pagesPrintedSince(pdfsBefore)).toBe(frontPages + paper2Pages(added) + newStamps.length);
    // the papers after it moved (their cached PDFs hold them at other folios)
    const last = papers(added)[49]!;
    expect(added.pageMap.targets[last.id]!.folio).not.toBe(cold.pageMap.targets[last.id]!.folio);
    // A cold build of the edited manuscript, into a cache of its own (used for the removal below).
    const fresh = await build('added-fresh', text, addedCache);
    expect(fresh.report.cache.papersLaidOut.length).toBe(50);
    await expectSameAsCold(added, 'added', fresh, 'added-fresh');
    // The comparison catches a folio stamped on the wrong page: the last two pages on one side
    // with a folio (two pages apart), each with the other's furniture — the same side, so only the folio (and head) is wrong.
    const pages = added.pageMap.pages;
    const at = pages.map((p, i) => (p.printed && pages[i - 2]?.printed && pages[i - 2]!.section === 'body' ? p.page : 0)).filter(Boolean).pop()!;
    await swapFurniture('added', at - 2, at, 'added-swapped');
    const swapped = differingPages('added-swapped', 'added-fresh');
    expect(swapped.images).toEqual([at - 2, at]);
    expect(swapped.texts.map((t) => t.page)).toEqual([at - 2, at]);
  }, 600_000);

  it('keeps the part page after paper 2 on a recto: its blank verso comes or goes', () => {
    const before = partAfterPaper2(cold);
    const after = partAfterPaper2(added);
    expect(before.folio % 2).toBe(1);
    expect(after.folio % 2).toBe(1);
    expect(after.blankBefore).toBe(!before.blankBefore);
  });

  it('removes a page from paper 2 (a shorter paragraph), after a cold build of the longer one: pages equal to a cold build', async () => {
    // One step (a fifth of a page) shorter than the length that first added a page: paper 2 is back to its cold page count.
    const step = Math.ceil(lines.slice(headings[1], headings[2]).join('').length / paper2Pages(cold) / 5);
    const text = addLength > step ? addToPaper2(addLength - step, '二') : original.replace(lines[headings[1]! + 4]!, lines[headings[1]! + 4]!.replace(/[\u4e00-\u9fff]/, (c) => (c === '的' ? '之' : '的')));
    const removed = await build('removed', text, addedCache); // its cache never saw the later papers at these folios
    expect(paper2Pages(removed)).toBe(paper2Pages(added) - 1);
    expect(removed.report.cache.papersLaidOut).toEqual([papers(removed)[1]!.id]);
    const fresh = await build('removed-fresh', text, false);
    await expectSameAsCold(removed, 'removed', fresh, 'removed-fresh');
    expect(partAfterPaper2(removed).folio % 2).toBe(1);
  }, 600_000);
});
