/**
 * The running heads (render/running-head.ts): whole titles when they fit the head line as
 * measured in the book's Song, short forms at natural breaks with balanced brackets, the
 * editor's short title first — and the seed build's PDF printing exactly that text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { BookConfig } from '../../pipeline/config/schema.ts';
import type { Volume } from '../../pipeline/model/types.ts';
import { pageGeometry } from '../../pipeline/render/print/page-css.ts';
import {
  advanceEm, balanced, headFits, headFontSizePt, headLineEm, rectoHeads, runningHeadText, shortForms, versoHead,
} from '../../pipeline/render/running-head.ts';
import { seedVolume } from '../support/seed-volume.ts';
import { readPdf, squeeze } from './helpers.ts';

const MAGAZINE = '科技爱好者周刊（第 296 期）：你一生的故事';
const FITS_24 = '加快转型升级 推动经济高质量发展的慈溪实践与思考';
const WITH_SUBTITLE = '以区域协同创新推动环创中心高质量发展的实践与思考——基于慈溪市近五年科技创新平台建设情况的调查研究';

let volume: Volume;
let meta: BookConfig;
/** The seed's head line, and a narrow one (15 characters of 10.5 pt: 17.5 em of the 9 pt head). */
let fitsSeed: (t: string) => boolean;
let fitsNarrow: (t: string) => boolean;
const head = (title: string, fits: (t: string) => boolean, short?: string) => runningHeadText(title, fits, short);

beforeAll(async () => {
  volume = seedVolume();
  meta = volume.meta;
  const titles = [MAGAZINE, FITS_24, WITH_SUBTITLE];
  fitsSeed = await headFits(meta, titles);
  fitsNarrow = await headFits({ ...meta, page: { ...meta.page, charsPerLine: 15 } }, titles);
});

describe('running-head text', () => {
  it('measures the head line from book.yaml and print.css, and titles in the book Song', async () => {
    expect(headFontSizePt()).toBe(9);
    expect(headLineEm(meta.page)).toBeCloseTo((meta.page.fontSize * meta.page.charsPerLine) / 9, 6);
    // Full-width CJK advances 1 em each; the half-width digits and spaces less.
    expect(await advanceEm(meta, '加快转型升级')).toBeCloseTo(6, 3);
    const w = await advanceEm(meta, MAGAZINE);
    expect(w).toBeLessThan([...MAGAZINE].length);
    expect(w).toBeGreaterThan(18);
  });

  it('prints a title that fits whole, however many characters it has', () => {
    expect([...FITS_24].length).toBe(24);
    expect(head(FITS_24, fitsSeed)).toBe(FITS_24); // the 20-character count cut it to 「加快转型升级」
    expect(head(MAGAZINE, fitsSeed)).toBe(MAGAZINE); // … and this one to 「科技爱好者周刊（第」
    expect(head('乡村振兴的慈溪路径', fitsSeed)).toBe('乡村振兴的慈溪路径');
  });

  it('cuts a title that does not fit at a natural break, never inside a bracket pair', () => {
    const short = head(MAGAZINE, fitsNarrow);
    expect(short).toBe('科技爱好者周刊（第 296 期）');
    expect(balanced(short)).toBe(true);
    expect(head('科技爱好者周刊（第 296 期 特别版 上下合刊 全年精选）：你一生的故事', fitsNarrow)).toBe('科技爱好者周刊');
  });

  it('ends a title without any natural break that fits with an ellipsis, brackets closed', async () => {
    const title = '关于进一步深化全市域国土空间综合整治与生态修复工作的实施意见';
    const fits = await headFits({ ...meta, page: { ...meta.page, charsPerLine: 15 } }, [title]);
    const short = head(title, fits);
    expect(short).toMatch(/^关于进一步深化.*…$/);
    expect(fits(short)).toBe(true);
    expect(fits(short.slice(0, -1) + [...title][[...short].length - 1] + '…')).toBe(false); // the longest that fits
    const bracketed = '关于（进一步深化全市域国土空间综合整治与生态修复工作）的实施意见';
    const fitsB = await headFits({ ...meta, page: { ...meta.page, charsPerLine: 15 } }, [bracketed]);
    const cut = head(bracketed, fitsB);
    expect(cut).toBe('关于…');
  });

  it('drops a ——subtitle first', () => {
    expect(fitsSeed(WITH_SUBTITLE)).toBe(false);
    expect(head(WITH_SUBTITLE, fitsSeed)).toBe('以区域协同创新推动环创中心高质量发展的实践与思考');
  });

  it('offers only balanced short forms that do not end on an opening bracket', () => {
    const forms = shortForms('关于（慈溪 市域）“两山” 转化的 调查：以（龙山镇 为例）');
    expect(forms.length).toBeGreaterThan(0);
    for (const f of forms) {
      expect(balanced(f), f).toBe(true);
      expect(f).not.toMatch(/[（(《「“]$/);
    }
    expect(forms).not.toContain('关于（慈溪');
    expect(balanced('a（b）c')).toBe(true);
    expect(balanced('a（b')).toBe(false);
    expect(balanced('a（b」')).toBe(false);
  });

  it("uses the editor's short title (book.yaml runningHeads) over everything else", async () => {
    expect(head(FITS_24, fitsSeed, '慈溪实践')).toBe('慈溪实践');
    const v = seedVolume();
    const paper = v.parts[0]!.chapters[0]!.papers[0]!;
    v.meta = { ...v.meta, runningHeads: { [paper.title]: '环创中心', [v.meta.title]: '八八战略' } };
    const heads = await rectoHeads(v);
    expect(heads.get(paper.id)).toBe('环创中心');
    expect(versoHead(v.meta)).toBe('八八战略');
    expect(versoHead(meta)).toBe(meta.title);
  });
});

describe('seed build: the recto head is the function’s output', () => {
  const seedOut = inject('seedOut');

  it('prints it on a continuation recto of a paper', async () => {
    expect(inject('seedBuildError')).toBeNull();
    const toc = JSON.parse(readFileSync(join(seedOut, 'toc.json'), 'utf8')) as Array<{ kind: string; id: string; title: string; pdfPage: number }>;
    const papers = toc.filter((e) => e.kind === 'paper');
    // Each paper's first recto (odd PDF page) after its opening page, while still its own; the longest title first.
    const candidates = papers
      .map((p, i) => ({ ...p, recto: p.pdfPage % 2 === 0 ? p.pdfPage + 1 : p.pdfPage + 2, next: papers[i + 1]?.pdfPage ?? Infinity }))
      .filter((p) => p.recto < p.next)
      .sort((a, b) => [...b.title].length - [...a.title].length);
    expect(candidates.length).toBeGreaterThan(0);
    const pick = candidates[0]!;
    expect([...pick.title].length).toBeGreaterThan(20); // one the old 20-character rule cut to 「加快转型升级」
    const expected = (await rectoHeads(volume)).get(pick.id)!;
    expect(expected).toBe(pick.title); // it fits the seed's head line whole
    const pages = await readPdf(readFileSync(join(seedOut, 'book.pdf')));
    const page = pages[pick.recto - 1]!;
    const areaTop = (pageGeometry(meta.page, false).margins.top * 72) / 96 - 1;
    const headText = page.items.filter((i) => i.y < areaTop).map((i) => i.str).join('');
    expect(squeeze(headText)).toBe(squeeze(expected));
  });
});
