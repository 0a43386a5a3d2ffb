/** The volume model beyond the seed: no 目录, ids, metadata fallback, toc.json and page numbers. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metaFromManuscript } from '../../pipeline/model/build-volume.ts';
import type { PageMap } from '../../pipeline/model/types.ts';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';
import { volumeToToc } from '../../pipeline/render/toc-json.ts';

const SEED = join(import.meta.dirname, '..', '..', 'manuscript', '论文集.md');
const seed = normalizeManuscript({ path: SEED });

function pageMap(targets: Record<string, string>): PageMap {
  return {
    pageCount: 20,
    pages: [],
    targets: Object.fromEntries(Object.entries(targets).map(([id, folio], i) => [id, { page: i + 5, folio }])),
    pageStarts: [],
  };
}

describe('buildVolume', () => {
  it('derives paper ids from the 目录 index and the sha1 of the title', () => {
    const p = seed.volume.parts[0].chapters[0].papers[1];
    expect(p.id).toBe(`p02-${createHash('sha1').update(p.title).digest('hex').slice(0, 6)}`);
    expect(seed.volume.parts[0].id).toBe('part-1');
    expect(seed.volume.parts[0].chapters[0].id).toBe('part-1-ch-1');
  });

  it('takes metadata from the title page when there is no book.yaml', () => {
    expect(metaFromManuscript(seed.tree)).toEqual({ title: '“八八战略”慈溪实践', subtitle: '改革开放 40 周年、撤县设市 30 周年', genre: '论文集', date: '2018-10' });
    expect(seed.volume.meta.title).toBe('“八八战略”慈溪实践');
    expect(seed.volume.meta.date).toBe('2018-10');
  });

  it('builds papers from body headings when there is no 目录, and warns', () => {
    const text = '# 甲论文\n\n市甲局\n\n## 一、总述\n\n正文，完整。\n\n# 乙论文——副题\n\n市乙局\n\n正文。\n';
    const { volume, file } = normalizeManuscript({ path: 'notoc.md', text });
    const papers = volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
    expect(papers.map((p) => [p.index, p.title, p.subtitle, p.unit])).toEqual([
      [1, '甲论文', null, '市甲局'],
      [2, '乙论文', '副题', '市乙局'],
    ]);
    expect(volume.parts).toHaveLength(1);
    expect(volume.parts[0].chapters[0].label).toBeNull();
    expect(file.messages.some((m) => m.ruleId === 'build-volume' && m.reason.includes('没有目录'))).toBe(true);
    // and it round-trips
    const again = normalizeManuscript({ path: 'n.md', text: volumeToMarkdown(volume) });
    expect(again.volume.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers)).map((p) => [p.title, p.subtitle, p.unit])).toEqual(papers.map((p) => [p.title, p.subtitle, p.unit]));
  });

  it('keeps the indexes and ids of papers with the same title when read back (fuzz counterexample)', () => {
    const { volume } = normalizeManuscript({ path: 'dup.md', text: '# 论文甲\n# 论文甲\n# 论文甲' });
    const papers = (v: typeof volume) => v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers)).map((p) => [p.index, p.id]);
    expect(papers(volume).map(([i]) => i)).toEqual([1, 2, 3]);
    const md = volumeToMarkdown(volume);
    const again = normalizeManuscript({ path: 'dup2.md', text: md });
    expect(papers(again.volume)).toEqual(papers(volume));
    expect(volumeToMarkdown(again.volume)).toBe(md);
  });

  it('reads its own 目录 back when papers have neither unit nor page (fuzz counterexample)', () => {
    const { volume } = normalizeManuscript({ path: 'ch.md', text: '# 目录\n### 第一章 甲章\n论文甲\t市甲局\t(01)\n# 论文甲\n# 论文甲\n# 论文甲' });
    const md = volumeToMarkdown(volume);
    const again = normalizeManuscript({ path: 'ch2.md', text: md });
    expect(again.volume.parts[0].chapters.map((c) => [c.label, c.papers.length])).toEqual([['第一章', 3]]);
    expect(again.volume.missing).toEqual([]);
    expect(volumeToMarkdown(again.volume)).toBe(md);
  });

  it('keeps a part without 章 as one implicit chapter', () => {
    const text = '# 目录\n\n## 第二篇 河网篇\n\n甲文题目 .....\t市环保局 (125)\n\n# 甲文题目\n\n市环保局\n\n正文。\n';
    const { volume } = normalizeManuscript({ path: 'p2.md', text });
    expect(volume.parts.map((p) => [p.label, p.title, p.chapters.map((c) => [c.label, c.title, c.papers.length])])).toEqual([['第二篇', '河网篇', [[null, null, 1]]]]);
  });
});

describe('toc-entries parsing styles', () => {
  it('reads every leader and page style', () => {
    const text = '# 目录\n\n## 第一篇 甲篇\n\n### 第一章 甲章\n\n甲文.....\t市甲局 (01)\n乙文\t市乙局\t(141)\n丙文……市丙局（07）\n丁文···市丁局 23\n戊文——副题………市戊局 9\n\n# 甲文\n\n市甲局\n\n正文。\n';
    const { file } = normalizeManuscript({ path: 't.md', text });
    const toc = (file.data as { toc: { entries: Array<{ title: string; mainTitle: string; subtitle: string | null; unit: string | null; oldPage: string | null; part: number; chapter: number }> } }).toc;
    expect(toc.entries.map((e) => [e.title, e.unit, e.oldPage, e.part, e.chapter])).toEqual([
      ['甲文', '市甲局', '01', 0, 0],
      ['乙文', '市乙局', '141', 0, 0],
      ['丙文', '市丙局', '07', 0, 0],
      ['丁文', '市丁局', '23', 0, 0],
      ['戊文——副题', '市戊局', '9', 0, 0],
    ]);
    expect(toc.entries[4]).toMatchObject({ mainTitle: '戊文', subtitle: '副题' });
  });
});

describe('writers', () => {
  const papers = seed.volume.parts[0].chapters[0].papers;
  it('toc.json lists 篇, 章 and delivered papers; pages null before the print build', () => {
    const toc = volumeToToc(seed.volume);
    expect(toc.map((e) => e.kind)).toEqual(['part', 'chapter', 'paper', 'paper', 'paper']);
    expect(toc[0]).toMatchObject({ id: 'part-1', part: 'part-1', chapter: null, title: '第一篇 围涂篇', page: null });
    expect(toc[4]).toMatchObject({ id: papers[2].id, chapter: 'part-1-ch-1', title: '科技创新与高质量发展', subtitle: '我市科技创新的成效、经验与思考', unit: '市科技局', page: null });
  });
  it('fills pages from the page map, in the configured style', () => {
    const map = pageMap({ 'part-1': '1', 'part-1-ch-1': '1', [papers[0].id]: '3', [papers[1].id]: '9', [papers[2].id]: '17' });
    const toc = volumeToToc(seed.volume, map);
    expect(toc.map((e) => e.page)).toEqual(['1', '1', '3', '9', '17']);
    expect(toc[2].pdfPage).toBe(7);
    expect(volumeToMarkdown(seed.volume, map)).toContain('以区域协同创新推动环创中心高质量发展\t市环创中心\t3\n');
    const old = { ...seed.volume, meta: { ...seed.volume.meta, toc: { ...seed.volume.meta.toc, pageNumberStyle: 'parenthesized' as const } } };
    const md = volumeToMarkdown(old, map);
    expect(md).toContain('以区域协同创新推动环创中心高质量发展\t市环创中心\t(03)\n');
    expect(md).toContain('——我市科技创新的成效、经验与思考\t市科技局\t(17)\n');
    // a normalized file with page numbers reads back to the same papers
    const again = normalizeManuscript({ path: 'n.md', text: md });
    expect(again.volume.parts[0].chapters[0].papers.map((p) => p.id)).toEqual(papers.map((p) => p.id));
  });
});
