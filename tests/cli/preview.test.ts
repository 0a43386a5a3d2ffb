/**
 * `juan preview` in a real browser (issue 17): started on a temporary copy of the seed, the page
 * is loaded with puppeteer-core; an edit of the manuscript shows up on the right page without a
 * reload; a broken book.yaml shows its one-line error and keeps the pages; no request leaves
 * loopback; stopping (SIGINT, as Ctrl-C) leaves no Chromium of the preview's behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';
import { CHROMIUM_ARGS, findChromium } from '../../pipeline/render/print/browser.ts';

const OLD = '当前经济转型主要有两条主线';
// A text no earlier run has laid out (the layout cache would hold it): two characters drawn at random.
const CHARS = '干路径道轴线脉络纲领条链环节点面层级序列';
const pick = () => CHARS[Math.floor(Math.random() * CHARS.length)]!;
const NEW = `当前经济转型主要有两条${pick()}${pick()}`;

/** Text of each PDF page, read by poppler (an oracle independent of the preview page). */
function pdfPages(pdf: string): string[] {
  const run = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  return run.stdout.split('\f').map((t) => t.replace(/\s+/g, ''));
}

/** Page n of a PDF drawn by poppler at 50 dpi (PPM bytes). */
function pixels(pdf: string, n: number): Buffer {
  const run = spawnSync('pdftoppm', ['-r', '50', '-f', String(n), '-l', String(n), '-singlefile', pdf], { maxBuffer: 1 << 26 });
  return run.stdout;
}

/** Every process below `root` (pid → command name), from ps. */
function descendants(root: number): Map<number, string> {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm ?? '' }));
  const found = new Map<number, string>();
  let frontier = [root];
  while (frontier.length) {
    const next = rows.filter((r) => frontier.includes(r.ppid) && !found.has(r.pid));
    for (const r of next) found.set(r.pid, r.comm);
    frontier = next.map((r) => r.pid);
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('juan preview', () => {
  const dir = mkdtempSync(join(tmpdir(), 'juan-preview-'));
  const manuscript = join(dir, '论文集.md');
  const out = join(dir, 'out');
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let url: string;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  let exited: Promise<number | null>;

  beforeAll(async () => {
    cpSync(join(ROOT, 'manuscript', '论文集.md'), manuscript);
    cpSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
    // A cache of its own (the first view is a cold build): the test's edits stay out of the project's cache.
    child = spawn(process.execPath, [join(ROOT, 'bin', 'juan.js'), 'preview', '--manuscript', manuscript, '--out', out, '--cache', join(dir, 'cache'), '--port', '0'], { cwd: ROOT });
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    url = await new Promise<string>((resolve, reject) => {
      const look = () => {
        const m = /预览：(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) resolve(m[1]!);
      };
      child.stdout!.on('data', look);
      child.on('exit', () => reject(new Error(`preview exited: ${stderr}`)));
    });
    browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, pipe: true, args: CHROMIUM_ARGS.filter((a) => a !== '--headless') });
    page = await browser.newPage();
    await page.setViewport({ width: 1200, height: 900 });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.version === '1', { timeout: 120_000 });
    // The output folder (book.pdf, toc.json) is written after the page has drawn the first pages.
    await page.waitForFunction(() => document.body.dataset.idle === 'true', { timeout: 120_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its loopback address and shows the book\'s pages with the 目录', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const pages = await page.$$eval('.page', (els) => els.length);
    const info = spawnSync('pdfinfo', [join(out, 'book.pdf')], { encoding: 'utf8' }).stdout;
    expect(pages).toBe(Number(/^Pages:\s+(\d+)/m.exec(info)![1]));
    const toc = await page.$$eval('#toc a.paper', (as) => as.map((a) => a.textContent));
    expect(toc.some((t) => t?.includes('以区域协同创新推动环创中心高质量发展'))).toBe(true);
  });

  it('a click in the 目录 jumps to the paper\'s page', async () => {
    const tocJson = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8'));
    const paper = tocJson.filter((e: { kind: string }) => e.kind === 'paper').at(-1);
    const links = await page.$$('#toc a.paper');
    await links.at(-1)!.click();
    await page.waitForFunction(
      (n) => {
        const el = document.querySelector(`.page[data-page="${n}"]`)!;
        const r = el.getBoundingClientRect();
        return r.top < window.innerHeight / 2 && r.bottom > 0 && el.querySelector('.textLayer');
      },
      { timeout: 30_000 },
      paper.pdfPage,
    );
    const text = await page.$eval(`.page[data-page="${paper.pdfPage}"] .textLayer`, (el) => el.textContent!.replace(/\s+/g, ''));
    expect(text).toContain(paper.title.replace(/\s+/g, ''));
  });

  it('jump-to-page takes the folio printed on the page', async () => {
    const tocJson = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8'));
    const paper = tocJson.filter((e: { kind: string }) => e.kind === 'paper')[1];
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.$eval('#goto-page', (el, folio) => ((el as HTMLInputElement).value = folio), paper.page);
    await page.$eval('#goto', (form) => (form as HTMLFormElement).requestSubmit());
    // The page at the top of the view is the one whose folio was typed (its physical number from toc.json).
    await page.waitForFunction(
      (n) => {
        const r = document.querySelector(`.page[data-page="${n}"]`)!.getBoundingClientRect();
        return Math.abs(r.top - document.getElementById('bar')!.getBoundingClientRect().bottom) < 60;
      },
      { timeout: 30_000 },
      paper.pdfPage,
    );
    expect(paper.pdfPage).not.toBe(Number(paper.page)); // folio and physical page differ: the jump used the folio
  });

  it('an edit of the manuscript shows on the right page, without a reload', async () => {
    const before = pdfPages(join(out, 'book.pdf'));
    const n = before.findIndex((t) => t.includes(OLD)) + 1;
    expect(n).toBeGreaterThan(0);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same document'));
    await page.evaluate(() => window.scrollTo(0, 0));
    writeFileSync(manuscript, readFileSync(manuscript, 'utf8').replace(OLD, NEW));
    await page.waitForFunction(
      (n, text) => document.querySelector(`.page[data-page="${n}"] .textLayer`)?.textContent!.replace(/\s+/g, '').includes(text),
      { timeout: 120_000 },
      n,
      NEW,
    );
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same document'); // no reload
    // The pages are shown before the build's other files are written; then it says it is idle.
    await page.waitForFunction(() => document.body.dataset.idle === 'true', { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.version)).toBe('2');
    // The page scrolled to the page that changed: marked, on screen, and it is page n.
    const changed = await page.$eval('.page.changed', (el) => {
      const r = el.getBoundingClientRect();
      return { n: Number((el as HTMLElement).dataset.page), onScreen: r.top < window.innerHeight && r.bottom > 0 };
    });
    expect(changed).toEqual({ n, onScreen: true });
    // The PDF the page shows is the new build's, byte for byte the book.pdf published in the
    // output folder; poppler finds the new text on the same page.
    const served = Buffer.from(await (await fetch(new URL('book.pdf', url))).arrayBuffer());
    expect(served.equals(readFileSync(join(out, 'book.pdf')))).toBe(true);
    expect(pdfPages(join(out, 'book.pdf'))[n - 1]).toContain(NEW);
    // The changed page came first in a small PDF of its own (fonts cut to its glyphs): poppler
    // reads each of its pages as the same text and draws the same pixels as that page of book.pdf.
    const sent = (await page.evaluate(() => document.body.dataset.sentPages!)).split(',').map(Number);
    expect(sent).toContain(n);
    const small = join(mkdtempSync(join(tmpdir(), 'juan-pages-')), 'pages-v2.pdf'); // not in the watched folder
    writeFileSync(small, Buffer.from(await (await fetch(new URL('pages.pdf?v=2', url))).arrayBuffer()));
    const smallTexts = pdfPages(small);
    for (const [i, p] of sent.entries()) {
      expect(smallTexts[i]).toBe(pdfPages(join(out, 'book.pdf'))[p - 1]);
      expect(pixels(small, i + 1).equals(pixels(join(out, 'book.pdf'), p))).toBe(true);
    }
    expect(statSync(small).size).toBeLessThan(statSync(join(out, 'book.pdf')).size / 2);
    const line = /第 2 版：\d+ 页，[\d.]+ 秒；版面：2 篇取自缓存，重排 1 篇；从第 (\d+) 面起有改变/.exec(stderr);
    expect(line, stderr).not.toBeNull();
    expect(Number(line![1])).toBeLessThanOrEqual(n);
  }, 180_000);

  it('a failed build shows its one-line error on the page and keeps the last good pages', async () => {
    const yaml = join(dir, 'book.yaml');
    const good = readFileSync(yaml, 'utf8');
    writeFileSync(yaml, good.replace(/trim: .*/, 'trim: B5'));
    await page.waitForFunction(() => !document.getElementById('error')!.hidden, { timeout: 120_000 });
    const error = await page.$eval('#error', (el) => el.textContent!);
    expect(error).toMatch(/^错误 \[config\] .*book\.yaml:\d+:\d+: 「page\.trim」的值 "B5" 不可用。可选：正16开、A4、大32开/);
    expect(await page.evaluate(() => document.body.dataset.version)).toBe('2');
    expect(await page.$$eval('.page canvas', (c) => c.length)).toBeGreaterThan(0);
    writeFileSync(yaml, good);
    await page.waitForFunction(() => document.getElementById('error')!.hidden && document.body.dataset.version === '3', { timeout: 120_000 });
  }, 180_000);

  it('a book.yaml change after the layout tab for the next build was opened is laid out with the new settings', async () => {
    // Between builds the preview opens a tab with the current shell (styles, page size) for the
    // next one; a narrower type area makes another shell, which that tab must not lay out.
    await page.waitForFunction(() => document.body.dataset.idle === 'true', { timeout: 120_000 });
    const yaml = join(dir, 'book.yaml');
    const good = readFileSync(yaml, 'utf8');
    const before = pdfPages(join(out, 'book.pdf'));
    const narrower = good.replace(/charsPerLine: \d+/, 'charsPerLine: 34');
    expect(narrower).not.toBe(good);
    writeFileSync(yaml, narrower);
    await page.waitForFunction(() => document.body.dataset.version === '4' || !document.getElementById('error')!.hidden, { timeout: 170_000 });
    expect(await page.$eval('#error', (el) => (el as HTMLElement).hidden || el.textContent)).toBe(true);
    await page.waitForFunction(() => document.body.dataset.idle === 'true', { timeout: 120_000 });
    const texts = pdfPages(join(out, 'book.pdf'));
    expect(texts).not.toEqual(before); // shorter lines moved the page breaks
    expect(await page.$$eval('.page', (els) => els.length)).toBe(Number(/^Pages:\s+(\d+)/m.exec(spawnSync('pdfinfo', [join(out, 'book.pdf')], { encoding: 'utf8' }).stdout)![1]));
    // The page on show is the new PDF's: its text layer has the characters poppler reads on that
    // page (compared as sorted characters: the two readers may order lines differently).
    const shown = await page.$eval('.page.changed', (el) => ({ n: Number((el as HTMLElement).dataset.page), text: el.querySelector('.textLayer')!.textContent!.replace(/\s+/g, '') }));
    const sorted = (t: string) => [...t].sort().join('');
    expect(shown.text.length).toBeGreaterThan(20);
    expect(sorted(shown.text)).toBe(sorted(texts[shown.n - 1]!));
  }, 300_000);

  it('no request left loopback', () => {
    expect(requests.length).toBeGreaterThan(3);
    const origin = new URL(url).origin;
    for (const r of requests) expect(new URL(r).origin).toBe(origin);
  });

  it('stopping (Ctrl-C) leaves none of its Chromium processes', async () => {
    const chromium = [...descendants(child.pid!)].filter(([, comm]) => /chrom/i.test(comm)).map(([pid]) => pid);
    expect(chromium.length).toBeGreaterThan(0); // the preview's warm browser is running: the check below can fail
    child.kill('SIGINT');
    const code = await exited;
    expect([0, 130]).toContain(code); // 130: Ctrl-C's code, when the browser driver ends the process itself
    expect(stderr).toContain('预览已停止');
    // Chromium's processes end with it (a moment after the parent, for the zygote's children).
    const deadline = Date.now() + 10_000;
    while (chromium.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(chromium.filter(alive)).toEqual([]);
  }, 60_000);
});
