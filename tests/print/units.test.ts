/** Fast unit tests of the print layout's pieces (no browser). */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserSession, DISABLED_FEATURES, findChromium, ramProfileDir } from '../../pipeline/render/print/browser.ts';
import { pageCss, pageGeometry } from '../../pipeline/render/print/page-css.ts';
import { SLUG_MM } from '../../pipeline/render/print/page-css.ts';
import { halvedIndices, compressPunctuation } from '../../pipeline/render/print/punctuation.ts';
import { JuanError } from '../../pipeline/report/errors.ts';
import { chineseDate, tocPageNumber } from '../../pipeline/render/book-text.ts';
import { seedVolume } from '../support/seed-volume.ts';

describe('findChromium', () => {
  it('prefers JUAN_CHROMIUM, then CHROME_PATH, then known paths', () => {
    const exists = (p: string) => ['/opt/a', '/opt/b', '/usr/bin/chromium'].includes(p);
    expect(findChromium({ JUAN_CHROMIUM: '/opt/a', CHROME_PATH: '/opt/b' }, exists)).toBe('/opt/a');
    expect(findChromium({ CHROME_PATH: '/opt/b' }, exists)).toBe('/opt/b');
    expect(findChromium({}, exists)).toBe('/usr/bin/chromium');
  });
  it('says how to install one when none is found', () => {
    let error: unknown;
    try {
      findChromium({}, () => false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JuanError);
    expect((error as JuanError).kind).toBe('render');
    expect((error as JuanError).message).toContain('找不到 Chromium');
    expect((error as JuanError).hint).toContain('JUAN_CHROMIUM=');
    expect(() => findChromium({ JUAN_CHROMIUM: '/nope' }, () => false)).toThrow(/JUAN_CHROMIUM/);
  });
});

describe('Chromium flags', () => {
  it('reach Chromium as one --disable-features flag with ours and puppeteer-core\'s features (Chromium keeps only the last)', async () => {
    const session = await BrowserSession.launch();
    try {
      const args = session.browser.process()!.spawnargs;
      const flags = args.filter((a) => a.startsWith('--disable-features='));
      expect(flags).toHaveLength(1);
      const features = flags[0]!.slice('--disable-features='.length).split(',');
      expect(features).toEqual(expect.arrayContaining(DISABLED_FEATURES));
      expect(features.length, 'puppeteer-core\'s own disabled features are kept too').toBeGreaterThan(DISABLED_FEATURES.length);
      // Left out: a tagged PDF and an outline cost every print; merge.ts makes the outline.
      expect(args).not.toContain('--export-tagged-pdf');
      expect(args).not.toContain('--generate-pdf-document-outline');
      expect(args).toContain('--no-sandbox');
    } finally {
      await session.close();
    }
  });
});

describe('the browser profile folder', () => {
  it('is a new folder of its own on a file system with room, else left to puppeteer-core', () => {
    const root = mkdtempSync(join(tmpdir(), 'juan-profile-root-'));
    try {
      const a = ramProfileDir(root, 0)!;
      const b = ramProfileDir(root, 0)!;
      expect(a.startsWith(join(root, 'juan-chromium-'))).toBe(true);
      expect(b).not.toBe(a);
      expect(statSync(a).isDirectory()).toBe(true);
      expect(ramProfileDir(root, Number.MAX_SAFE_INTEGER), 'too little room').toBeUndefined();
      expect(ramProfileDir(join(root, 'missing'), 0), 'no such file system').toBeUndefined();
      expect(existsSync(join(root, 'missing'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('page geometry', () => {
  it('makes the type area exactly fontSize × charsPerLine wide and lines × line height tall', () => {
    const g = pageGeometry(seedVolume().meta.page, false);
    expect(g.measurePx).toBe(532); // 10.5pt × 38 = 399pt
    expect(g.areaHeightPx / g.linePx).toBe(30);
    const width = (185 * 96) / 25.4;
    expect(width - g.margins.inner - g.margins.outer - g.measurePx).toBeCloseTo(0.25, 5);
    expect(g.margins.inner).toBeGreaterThan(g.margins.outer);
  });
  it('adds bleed and crop marks only when print-ready', () => {
    const meta = seedVolume().meta;
    expect(pageCss(meta, false)).not.toMatch(/bleed:|marks:/);
    // the CSS bleed is the bleed plus the slug the crop marks are drawn in; they stop 0.5 mm outside the bleed
    expect(pageCss(meta, true)).toContain(`bleed:${3 + SLUG_MM}mm;marks:crop`);
    expect(pageCss(meta, true)).toContain('--pagedjs-crop-offset:3.5mm');
    // Without bleed, Paged.js's empty bleed and crop-mark boxes are not styled or laid out.
    expect(pageCss(meta, false)).toContain('.pagedjs_bleed{display:none;}');
    expect(pageCss(meta, true)).not.toContain('.pagedjs_bleed{display:none;}');
  });
  it('refuses a type area that does not fit the trim', () => {
    const meta = seedVolume().meta;
    expect(() => pageGeometry({ ...meta.page, trim: '大32开' }, false)).toThrow(/版心超出成品尺寸/);
  });
});

describe('punctuation compression', () => {
  it('halves a closing mark before a closing mark and an opening mark after any mark', () => {
    expect(halvedIndices([...'。」（'])).toEqual([0, 2]);
    expect(halvedIndices([...'字，“字'])).toEqual([2]);
    expect(halvedIndices([...'字（字）'])).toEqual([]);
    expect(halvedIndices([...'》、'])).toEqual([0]);
  });
  it('keeps the text unchanged', () => {
    const tree = compressPunctuation({ type: 'element', tagName: 'p', properties: {}, children: [{ type: 'text', value: '他说：“好。”（完）' }] });
    const text = (n: any): string => (n.type === 'text' ? n.value : n.children.map(text).join(''));
    expect(text(tree)).toBe('他说：“好。”（完）');
    expect(tree.children.length).toBeGreaterThan(1);
  });
});

describe('templates', () => {
  it('formats 目录 numbers and the date', () => {
    expect(tocPageNumber('7', 'plain')).toBe('7');
    expect(tocPageNumber('7', 'parenthesized')).toBe('(07)');
    expect(tocPageNumber('123', 'parenthesized')).toBe('(123)');
    expect(chineseDate('2018-10')).toBe('2018 年 10 月');
    expect(chineseDate('2018-10-05')).toBe('2018 年 10 月 5 日');
  });
});
