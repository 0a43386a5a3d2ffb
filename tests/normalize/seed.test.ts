/** The whole seed manuscript: structure, exact titles/units, joins, levels, idempotence, no text lost. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paragraph, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeManuscript, type NormalizeResult } from '../../pipeline/normalize/index.ts';
import { ruleIds } from '../../pipeline/normalize/preset.ts';
import type { Paper, Volume } from '../../pipeline/model/types.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';

const SEED = join(import.meta.dirname, '..', '..', 'manuscript', '论文集.md');
const seedText = readFileSync(SEED, 'utf8');

const papersOf = (v: Volume): Paper[] => v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
const paragraphs = (p: Paper) => p.body.filter((n): n is Paragraph => n.type === 'paragraph').map((n) => toString(n));
/** A model without positions/data/meta/source: what must survive a round trip. */
const shape = (v: Volume) => JSON.stringify(v, (k, x) => (['position', 'data', 'source', 'meta'].includes(k) ? undefined : x));
/** Han characters, digits and Latin letters in order: the text an OCR fix may never lose or add. */
const letters = (s: string) => (s.match(/[\p{Script=Han}0-9A-Za-z]/gu) ?? []).join('');
const paperText = (p: Paper) => [p.title, p.subtitle ?? '', p.unit ?? '', ...p.body.map((n: RootContent) => toString(n))].join('');

let seed: NormalizeResult;
let papers: Paper[];
beforeAll(() => {
  seed = normalizeManuscript({ path: SEED });
  papers = papersOf(seed.volume);
});

describe('seed manuscript', () => {
  it('has three delivered papers in 第一篇 围涂篇 / 第一章 提高经济发展质量 and 47 missing', () => {
    expect(seed.volume.parts.map((p) => `${p.label} ${p.title}`)).toEqual(['第一篇 围涂篇']);
    expect(seed.volume.parts[0].chapters.map((c) => `${c.label} ${c.title}`)).toEqual(['第一章 提高经济发展质量']);
    expect(papers).toHaveLength(3);
    expect(seed.volume.missing).toHaveLength(47);
    expect(seed.volume.missing[0]).toMatchObject({ index: 4, title: '现代金融支撑体系 服务地方经济发展的主要成效与对策研究', unit: '市金融办', oldPage: '19', part: '第一篇 围涂篇', chapter: '第一章 提高经济发展质量' });
    expect(seed.volume.missing.at(-1)).toMatchObject({ index: 50, unit: '团市委', oldPage: '289', part: '第四篇 大桥篇', chapter: '第三章 打造区域人才高地' });
    expect(seed.volume.missing.find((m) => m.index === 15)?.chapter).toBe('第四章 创新宏观改革思路');
    // 第二篇 has no 章
    expect(seed.volume.missing.find((m) => m.title === '“八字纲领”引领慈溪兴水强市')).toMatchObject({ part: '第二篇 河网篇', chapter: null, oldPage: '135' });
    expect(seed.volume.missing.find((m) => m.title === '我市接轨上海发展战略探索与思考')?.unit).toBe('市发改局（市上海办）');
  });

  it('gives titles, subtitles, units, 目录 titles and ids exactly', () => {
    expect(papers.map((p) => [p.index, p.title, p.subtitle, p.unit, p.tocTitle, p.oldPage])).toEqual([
      [1, '以区域协同创新推动环创中心高质量发展', null, '市环创中心', null, '01'],
      [2, '加快转型升级 促进我市制造业高质量发展的对策建议', null, '市经信局', '加快转型升级 促进我市制造业高质量发展的对策研究', '06'],
      [3, '科技创新与高质量发展', '我市科技创新的成效、经验与思考', '市科技局', null, '13'],
    ]);
    for (const p of papers) expect(p.id).toMatch(new RegExp(`^p0${p.index}-[0-9a-f]{6}$`));
    expect(papers.map((p) => p.position.line)).toEqual([111, 157, 227]);
  });

  it('reports the 目录/body title difference and every missing paper', () => {
    const rec = seed.file.messages.filter((m) => m.ruleId === 'reconcile-toc');
    expect(rec.filter((m) => m.reason.includes('正文中没有收录'))).toHaveLength(47);
    const diff = rec.find((m) => m.reason.includes('以正文为准'))!;
    expect(`${diff.line}:${diff.column}`).toBe('157:1');
    expect(diff.reason).toContain('「加快转型升级 促进我市制造业高质量发展的对策研究」');
    expect(diff.fatal).toBe(false);
  });

  it('joins the paragraphs cut at old page breaks, and only those', () => {
    const all = papers.flatMap(paragraphs);
    expect(all.some((t) => t.includes('生态环境的好坏已成为衡量人民幸福感的重要指标之一'))).toBe(true);
    expect(all.some((t) => t.includes('其中家电规上企业产值从2003年的96亿元增长到2017年'))).toBe(true);
    expect(all.some((t) => t.includes('好项目引进非常困难'))).toBe(true);
    expect(all.some((t) => t.includes('近五年，海通公司的'))).toBe(true);
    const joins = seed.file.messages.filter((m) => m.ruleId === 'join-page-break-paragraphs');
    expect(joins.map((m) => m.line)).toEqual([127, 139, 171, 189, 211, 217, 223, 243]);
    expect(joins[0].reason).toBe('段落在旧页码处被截断，已与下一段合并：「…量人民幸」+「福感的重…」');
    // the position is the end of the cut line in the original file
    const line127 = seedText.split('\n')[126];
    expect(joins[0].column).toBe(line127.length + 1);
    // no body paragraph is left unfinished except the cut-off end of paper 3
    const unfinished = all.filter((t) => !/[。！？…”」』）》：；]$/.test(t));
    expect(unfinished).toEqual([expect.stringMatching(/一方面，$/)]);
  });

  it('sets section levels from the numbering, not from the OCR # count', () => {
    const heads = (p: Paper) => p.body.filter((n) => n.type === 'heading').map((n) => `${(n as { depth: number }).depth} ${toString(n).slice(0, 7)}`);
    expect(heads(papers[0])).toEqual(['1 一、深刻把握高', '1 二、高质量发展', '1 三、解放思想、']);
    expect(heads(papers[1])).toEqual(['1 一、我市贯彻落', '1 二、我市制造业', '1 三、我市发展制', '1 四、加快转型升']);
    expect(heads(papers[2])).toEqual(['1 一、慈溪市科技', '2 （一）发展成就', '2 （二）面临问题', '1 二、经验启示', '2 （一）科技创新']);
  });

  it('writes run-in heads consistently as bold paragraphs starting with （n）', () => {
    const runIns = papers.flatMap((p) => p.body).filter((n) => n.type === 'paragraph' && n.children[0]?.type === 'strong').map((n) => toString((n as Paragraph).children[0]));
    expect(runIns.filter((t) => /^（\d）/.test(t)).map((t) => t.slice(0, 3))).toEqual(['（1）', '（2）', '（3）', '（4）', '（5）', '（6）', '（7）']);
    expect(runIns).toContain('（一）调结构，发展高质量产业。');
    expect(runIns).toContain('（四）出实招，建设高质量项目。');
    expect(runIns).toContain('一是要解放思想，顺势而为。');
    // paper 3's 「1、」 heads (numbered-run-in-head): bold, the lead sentence only
    expect(runIns.filter((t) => /^\d、/.test(t))).toEqual(['1、创新氛围不断优化。', '2、创新能力不断提升。', '3、创新体系不断健全。', '4、创新成效不断显现。']);
    for (const p of papers) for (const t of paragraphs(p)) expect(t).not.toMatch(/\*\*|^\(\d\)/);
  });

  it('marks only the cut-off last paper as truncated, with a warning', () => {
    expect(papers.map((p) => p.truncated)).toEqual([false, false, true]);
    expect(seed.file.messages.filter((m) => m.ruleId === 'build-volume').map((m) => m.line)).toEqual([261]);
  });

  it('takes metadata-like text out of the title page and reports each message with a known rule id and a position', () => {
    for (const m of seed.file.messages) {
      expect([...ruleIds, 'build-volume']).toContain(m.ruleId);
      expect(m.source).toBe('juan');
      expect(m.line).toBeGreaterThanOrEqual(1);
      expect(m.line).toBeLessThanOrEqual(261);
    }
  });

  it('loses no text: Han characters, digits and letters of the bodies are unchanged', () => {
    const input = seedText.split('\n').slice(110).join('\n');
    expect(letters(papers.map(paperText).join(''))).toBe(letters(input));
  });
});

describe('normalized Markdown', () => {
  it('re-reads to the same model and writes identical Markdown again (idempotent)', () => {
    const md1 = volumeToMarkdown(seed.volume);
    const again = normalizeManuscript({ path: 'manuscript.normalized.md', text: md1 });
    expect(shape(again.volume)).toBe(shape(seed.volume));
    expect(volumeToMarkdown(again.volume)).toBe(md1);
    // re-normalizing changes no text: only the 目录 summary and the truncation warning remain
    const changing = again.file.messages.filter((m) => m.ruleId !== 'toc-entries' && m.ruleId !== 'build-volume');
    expect(changing.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.reason}`)).toEqual([]);
  });

  it('has front matter, the regenerated 目录 and the body headings', () => {
    const md = volumeToMarkdown(seed.volume);
    expect(md.startsWith('---\ntitle: “八八战略”慈溪实践\n')).toBe(true);
    expect(md).toContain('\n# 目录\n\n## 第一篇 围涂篇\n\n### 第一章 提高经济发展质量\n\n以区域协同创新推动环创中心高质量发展\t市环创中心\n');
    expect(md).toContain('科技创新与高质量发展——我市科技创新的成效、经验与思考\t市科技局\n');
    expect(md).toContain('\n# 第一篇 围涂篇\n\n## 第一章 提高经济发展质量\n\n### 以区域协同创新推动环创中心高质量发展\n\n市环创中心\n');
    expect(md).toContain('\n### 科技创新与高质量发展\n\n——我市科技创新的成效、经验与思考\n\n市科技局\n');
    expect(md).toContain('\n#### 一、深刻把握高质量发展的内在要求\n');
    expect(md).toContain('\n##### （一）发展成就\n');
    expect(md).toContain('\n**（7）要在更加开放条件下通过全面深化改革实现高质量发展。**习近平指出');
    expect(md).not.toContain('&#x');
    // missing papers are not in the 目录 or body, only in the front matter
    expect(md.split('\n---\n')[1]).not.toContain('现代金融支撑体系');
  });

  it('gives the same model from a BOM + CRLF copy, with the same positions', () => {
    const crlf = normalizeManuscript({ path: 'crlf.md', text: '\uFEFF' + seedText.replace(/\n/g, '\r\n') });
    expect(shape(crlf.volume)).toBe(shape(seed.volume));
    const pick = (r: NormalizeResult) => r.file.messages.filter((m) => m.ruleId === 'join-page-break-paragraphs' || m.ruleId === 'heading-level-from-numbering').map((m) => `${m.line}:${m.column}`);
    expect(pick(crlf)).toEqual(pick(seed));
    const enc = crlf.file.messages.filter((m) => m.ruleId === 'encoding-hygiene').map((m) => `${m.line}:${m.column} ${m.reason}`);
    expect(enc).toEqual(['1:1 文件开头有 BOM（U+FEFF），已去除', `1:1 文件使用 CRLF 换行（共 ${seedText.split('\n').length - 1} 处），已统一为 LF`]);
  });
});
