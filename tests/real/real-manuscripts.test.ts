/**
 * End-to-end on the corpus of real manuscripts by other authors (tests/fixtures/real, issue 13):
 * each builds as a new user would give it to juan (no book.yaml), `juan check` passes, epubcheck
 * finds no error, the title page is the manuscript's title (never a placeholder), every unit is in
 * toc.json with a page, and no text of the units is lost or printed twice (tests/support/lost-text.ts:
 * the type area of the units' pages, exact counts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, findChromium } from '../../pipeline/render/print/browser.ts';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, juan, type CliRun } from '../support/cli.ts';
import { cleanSource } from '../../pipeline/normalize/hygiene.ts';
import { manuscriptOf } from '../normalize/real-corpus.ts';
import { defaultConfig } from '../../pipeline/config/defaults.ts';
import { pdffonts } from '../print/helpers.ts';
import { readPdf, squeeze } from '../print/helpers.ts';
import { compareHan, repeatedText, typeAreaLines } from '../support/lost-text.ts';
import { pageGeometry } from '../../pipeline/render/print/page-css.ts';

interface Fixture {
  name: string;
  title: string;
  papers: number;
  /** The first and last unit, as toc.json lists them. */
  first: string;
  last: string;
  date: string | null;
  /** Front text (before the 目录, no paper's): printed before the 目录 page, in the EPUB and the normalized manuscript. */
  front?: string[];
  /** It has web links whose text is not their address: print/link-address.ts prints the address after them. */
  addresses?: true;
}

const FIXTURES: Fixture[] = [
  { name: 'kaiyuanshe-2024-report', title: '2024 中国开源年度报告', papers: 2, first: '卷首语', last: '商业化篇', date: null },
  // raw-html keeps the text of `<center>图 1.1 …</center>` captions as paragraphs (issue 14)
  { name: 'kaiyuanshe-2023-data', title: '数据篇', papers: 9, first: '概述', last: '八. 案例分析', date: null, addresses: true },
  // a magazine from its issue files: README head (front text), SUMMARY.md's nested list of links as 目录
  { name: 'rust-magazine-2021', title: 'Rust语言开源杂志（2021）', papers: 7, first: '本月简报：官方动态', last: 'Rustc Dev Guide 中文翻译启动', date: null, front: ['为了丰富 Rust 社区成员的学习文化生活而特别推出此刊！'], addresses: true },
  // a textbook chapter with math ($…$, $$…$$), tables and code, assembled from its section files; the file named by the book
  { name: 'd2l-word-embedding', title: '动手学深度学习', papers: 4, first: '自然语言处理：预训练', last: '全局向量的词嵌入（GloVe）', date: null, addresses: true },
  // 「十、依法执行备案工作…」 lost its `##` in the source: numbered-line-heading makes it a section again (15 units: the lead text and 一 … 十四)
  { name: 'beijing-budget-decision', title: '北京市人民代表大会常务委员会关于加强市级预算审查监督的决定', papers: 15, first: '北京市人民代表大会常务委员会关于加强市级预算审查监督的决定', last: '十四、完善预算工作机构职责', date: '2021 年 12 月 24 日' },
  // a law: its 第X章 hold the articles, so they are its units (a divider would have lost every article)
  { name: 'rural-revitalization-law', title: '中华人民共和国乡村振兴促进法', papers: 11, first: '中华人民共和国乡村振兴促进法', last: '第十章　附则', date: '2021 年 4 月 29 日' },
  // a web page saved as Markdown (the statistical communiqué): web-page-chrome removes the site's navigation
  // before the text (link lists, 搜索, an empty `#`, the date and font-size `##` lines, which had been its two
  // units); the communiqué's 一、…十二、 lines (no `#` in the source) are its units; its title is a plain
  // line above the issuer and the date: the book's title, printed again with them as front text
  { name: 'nbs-2025-communique', title: '中华人民共和国2025年国民经济和社会发展统计公报', papers: 12, first: '一、综合', last: '十二、资源、环境和应急管理', date: '2026 年 2 月 28 日', front: ['2025年是“十四五”规划收官之年'] },
];

const pdfText = (pdf: string, first?: number, last?: number) =>
  spawnSync('pdftotext', [...(first ? ['-f', String(first), '-l', String(last ?? first)] : []), pdf, '-'], { encoding: 'utf8' }).stdout;

/**
 * The units' text as the parser reads it: from the first unit's heading (or the line made one) on, every YAML front-matter
 * block taken out (a `---` line, then key lines, indented or `- ` lines, comments, up to a closing
 * `---`; a thematic break around prose is not one), radicals copied out of a PDF (⽇, ⻓) read as
 * 日, 长 as encoding-hygiene does (reported).
 */
function unitsSource(source: string, first: string): string {
  const lines = source.split('\n');
  const heading = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.replace(/^#+\s*/, '').trim() === first);
  // or a line numbered-line-heading made a heading (the communiqué's 「　　一、综合」)
  const from = heading >= 0 ? heading : lines.findIndex((l) => l.replace(/^[\s\u3000]+/, '').trim() === first);
  expect(from).toBeGreaterThanOrEqual(0);
  const kept: string[] = [];
  for (let i = from; i < lines.length; i++) {
    if (lines[i]!.trim() === '---') {
      const close = lines.findIndex((l, k) => k > i && k <= i + 60 && /^(?:---|\.\.\.)\s*$/.test(l));
      const block = close > 0 ? lines.slice(i + 1, close).filter((l) => l.trim()) : [];
      const key = /^[A-Za-z_][\w-]*\s*:(?:\s|$)/;
      if (block.length && key.test(block[0]!) && block.every((l) => key.test(l) || /^[ \t]+\S/.test(l) || /^-\s/.test(l) || /^#/.test(l))) {
        i = close;
        continue;
      }
    }
    kept.push(lines[i]!);
  }
  return cleanSource(kept.join('\n')).text;
}

describe.each(FIXTURES)('real manuscript $name', (fx) => {
  const manuscript = manuscriptOf(fx.name);
  const out = join(ROOT, 'tests', '.out', 'real', fx.name);
  let build: CliRun;

  beforeAll(() => {
    rmSync(out, { recursive: true, force: true });
    build = juan(['build', '--manuscript', manuscript, '--out', out, '--quiet']);
  });

  it('builds with exit 0 and no stack trace', () => {
    expect(build.stderr).not.toMatch(/\n\s+at |Node\.js v\d/);
    expect(build.code, build.stderr).toBe(0);
    expect(existsSync(join(out, 'book.pdf'))).toBe(true);
  });

  // the body faces (our subsets, one or several parts each) and the content fonts (KaTeX, code,
  // Greek and italic) once per part, not once per layout tab
  it('embeds each part of a body face and each content font once, with our subset tag', () => {
    const body = pdffonts(join(out, 'book.pdf')).filter((f) => /Noto(Serif|Sans)SC|LXGWWenKai|KaTeX_|JetBrainsMono|NotoSerif-/.test(f.name));
    expect(body.length).toBeGreaterThan(0);
    for (const f of body) expect(f.name, 'a tag Chromium gave, not the merge').not.toMatch(/^[A-Z]AAAAA\+/);
    expect(new Set(body.map((f) => f.name)).size).toBe(body.length);
  });

  // a character no face has is drawn by our missing-glyph font (rust-magazine's 😄 was set in
  // the system's DejaVu Sans, which the PDF then embedded)
  it('embeds no system font: every face is a pinned package’s or our missing-glyph font', () => {
    for (const f of pdffonts(join(out, 'book.pdf'))) {
      expect(f.name).toMatch(/^[A-Z]{6}\+(Noto(Serif|Sans)SC-|LXGWWenKai-|KaTeX_|JetBrainsMono-|NotoSerif-|JuanMissingGlyph-)/);
      expect(f.embedded).toBe(true);
    }
  });

  it('passes juan check', () => {
    const check = juan(['check', '--out', out]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain(`${fx.papers} 篇论文`);
  });

  // epubcheck alone takes over two minutes on a loaded shared machine
  it('makes an EPUB that epubcheck accepts without errors', { timeout: 600_000 }, () => {
    const result = spawnSync('java', ['-jar', '/usr/bin/epubcheck', join(out, 'book.epub')], { encoding: 'utf8' });
    const report = result.stdout + result.stderr;
    expect(report).toMatch(/0 fatals \/ 0 errors/);
    expect(result.status, report).toBe(0);
  });

  // a phone-sized reading window: no chapter scrolls sideways (a formula too wide scrolls in its own box, styles/epub.css);
  // without that rule d2l's p02 and p03 were 722 and 802 px wide
  it('fits every EPUB chapter in a 700 px window', { timeout: 120_000 }, async () => {
    const dir = join(out, 'epub-unzipped');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    spawnSync('unzip', ['-q', join(out, 'book.epub'), '-d', dir]);
    const chapters = readdirSync(join(dir, 'OEBPS')).filter((f) => f.endsWith('.xhtml') && f !== 'cover.xhtml');
    expect(chapters.length).toBeGreaterThan(fx.papers);
    const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, pipe: true, args: CHROMIUM_ARGS.filter((a) => a !== '--headless') });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 700, height: 900 });
      const wide: string[] = [];
      for (const f of chapters) {
        await page.goto(`file://${join(dir, 'OEBPS', f)}`, { waitUntil: 'load' });
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        if (w > 700) wide.push(`${f}: ${w} px`);
      }
      expect(wide).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('prints the manuscript’s own title on the title page, never a placeholder', () => {
    const page1 = pdfText(join(out, 'book.pdf'), 1).replace(/\s+/g, '');
    expect(page1).toContain(fx.title.replace(/\s+/g, ''));
    expect(page1).not.toMatch(/未命名|1970/);
    if (fx.date) expect(page1).toContain(fx.date.replace(/\s+/g, ''));
    else expect(page1).not.toMatch(/\d{4}年\d{1,2}月/);
  });

  // title-page.ts: a <wbr> between Han words, keep-all; the communiqué's title broke 「…2025 年国 / 民经济…」
  it('breaks a long title on the title page between words only', () => {
    const squash = (t: string) => t.replace(/\s+/g, '');
    const title = squash(fx.title);
    const lines = pdfText(join(out, 'book.pdf'), 1).split('\n').map(squash).filter(Boolean);
    const ends: number[] = [];
    let shown = '';
    for (const line of lines) {
      if (shown.length >= title.length) break;
      shown += line;
      ends.push(shown.length);
    }
    expect(shown).toBe(title);
    let at = 0;
    const words = new Set([...new Intl.Segmenter('zh', { granularity: 'word' }).segment(title)].map((s) => (at += s.segment.length)));
    expect(ends.slice(0, -1).filter((end) => !words.has(end))).toEqual([]);
  });

  it('lists every unit in toc.json with a page', () => {
    const toc = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8')) as Array<{ kind: string; title: string; page: string | null }>;
    const papers = toc.filter((e) => e.kind === 'paper');
    expect(papers).toHaveLength(fx.papers);
    expect(papers[0]!.title).toBe(fx.first);
    expect(papers.at(-1)!.title).toBe(fx.last);
    expect(papers.every((p) => p.page && /^\d+$/.test(p.page))).toBe(true);
    // no part or chapter line without a title (an implicit part prints nothing)
    expect(toc.every((e) => e.title.trim().length > 0)).toBe(true);
  });

  it.runIf(fx.front)('prints the front text before the 目录, and keeps it in the EPUB and the normalized manuscript', () => {
    const squash = (t: string) => t.replace(/\s+/g, '');
    const pages = pdfText(join(out, 'book.pdf'), 1, 8).split('\f').map(squash);
    const toc = pages.findIndex((p) => p.startsWith('目录'));
    expect(toc).toBeGreaterThan(0);
    const epub = spawnSync('unzip', ['-p', join(out, 'book.epub'), 'OEBPS/front-1.xhtml'], { encoding: 'utf8' }).stdout;
    const md = readFileSync(join(out, 'manuscript.normalized.md'), 'utf8');
    for (const text of fx.front!) {
      const at = pages.findIndex((p) => p.includes(squash(text)));
      expect(at, text).toBeGreaterThan(0);
      expect(at, text).toBeLessThan(toc);
      expect(epub).toContain(text);
      expect(md.indexOf(text)).toBeGreaterThan(0);
      expect(md.indexOf(text)).toBeLessThan(md.indexOf('\n# 目录\n'));
    }
  });

  // a display formula wider than the measure is set smaller (content-handlers.js RenderNodeMathFit); before, d2l's
  // CBOW gradient and negative-sampling formulas ran 40–60 pt into the outer margin, their last symbols cut off
  it('sets no text outside the type area (the blank half of a full-width mark at a line end or start aside)', async () => {
    const pages = await readPdf(readFileSync(join(out, 'book.pdf')));
    const page = defaultConfig({ title: fx.title, identifier: 'urn:uuid:0' }).page;
    const { margins, measurePx, fontSizePx } = pageGeometry(page, false);
    const pt = 0.75;
    const hang = 0.55 * fontSizePx * pt;
    const outside: string[] = [];
    pages.forEach((p, i) => {
      // physical odd pages are rectos: the inner margin on the left
      const left = ((i + 1) % 2 ? margins.inner : margins.outer) * pt;
      const right = left + measurePx * pt;
      for (const it of p.items) {
        if (!it.str.trim() || it.y <= margins.top * pt || it.y >= p.height - margins.bottom * pt) continue;
        if (it.x < left - hang || it.x + it.width > right + hang) outside.push(`p${i + 1} 「${it.str}」 ${it.x.toFixed(0)}–${(it.x + it.width).toFixed(0)} pt, type area ${left.toFixed(0)}–${right.toFixed(0)}`);
      }
    });
    expect(outside).toEqual([]);
  });

  it('prints in full, in the type area, every web address that a link’s text does not show', async () => {
    // the addresses were generated content (::after) once: one that wrapped past the foot of a page was cut off unseen
    const html = readFileSync(join(out, 'print.html'), 'utf8');
    const decode = (s: string) => s.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&');
    const addresses = [...html.matchAll(/<a href="([^"]+)" class="show-address">/g)].map((m) => decode(m[1]!));
    expect(addresses.length > 0).toBe(!!fx.addresses);
    const page = defaultConfig({ title: fx.title, identifier: 'urn:uuid:0' }).page;
    const body = squeeze(typeAreaLines(await readPdf(readFileSync(join(out, 'book.pdf'))), page, 1).join(''));
    expect(addresses.filter((a) => !body.includes(squeeze(`（${a}）`)))).toEqual([]);
  });

  it('loses no text and prints none twice: the type area of the units’ pages has every Han character as often as written', async () => {
    const source = readFileSync(manuscript, 'utf8');
    const toc = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8')) as Array<{ kind: string; pdfPage: number | null }>;
    const from = toc.find((e) => e.kind === 'paper')!.pdfPage!;
    const pages = await readPdf(readFileSync(join(out, 'book.pdf')));
    // no book.yaml: the default page, as the build used
    const page = defaultConfig({ title: fx.title, identifier: 'urn:uuid:0' }).page;
    const body = typeAreaLines(pages, page, from);
    expect(squeeze(body[0]!)).toBe(squeeze(fx.first).slice(0, squeeze(body[0]!).length));
    const repeated = repeatedText(body, readFileSync(join(out, 'print.html'), 'utf8'));
    expect(compareHan(unitsSource(source, fx.first), body.join('\n'), repeated)).toEqual({ lost: [], extra: [] });
  });
});
