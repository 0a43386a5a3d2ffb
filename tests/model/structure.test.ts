/**
 * How juan recognises a manuscript's structure (issue 13): papers by the heading depth used
 * consistently, a single long document, every front-matter block taken out, the 目录 in its
 * common forms (or unreadable: warned and regenerated), metadata without book.yaml, and links
 * to the manuscript's other files.
 */
import { describe, expect, it } from 'vitest';
import { normalizeManuscript } from '../../pipeline/normalize/index.ts';
import type { Paper, Volume } from '../../pipeline/model/types.ts';
import { volumeToMarkdown } from '../../pipeline/render/markdown.ts';

const read = (text: string, path = '/tmp/文集/周刊.md') => normalizeManuscript({ path, text });
const papers = (v: Volume): Paper[] => v.parts.flatMap((p) => p.chapters.flatMap((c) => c.papers));
const titles = (v: Volume) => papers(v).map((p) => p.title);
const reasons = (r: ReturnType<typeof read>, rule: string) => r.file.messages.filter((m) => m.ruleId === rule).map((m) => m.reason);
const bodyText = (p: Paper) => JSON.stringify(p.body);

describe('structure', () => {
  it('finds papers at the depth most titles share, not the first depth met (`## 2025` above `#` issues)', () => {
    const r = read('## 2025\n\n说明。\n\n# 第一期\n\n## 本周话题\n\n甲。\n\n## 工具\n\n乙。\n\n# 第二期\n\n## 本周话题\n\n丙。\n');
    expect(titles(r.volume)).toEqual(['第一期', '第二期']);
  });

  it('reads one title above sections as a single long document: its title is the book’s, its sections the units', () => {
    const r = read('# 关于加强预算审查的决定\n\n2021年12月24日 某会议通过\n\n为加强审查，特作如下决定：\n\n## 一、总体要求\n\n（一）甲。\n\n## 二、工作机制\n\n乙。\n');
    expect(r.file.data.structure).toBe('document');
    expect(titles(r.volume)).toEqual(['关于加强预算审查的决定', '一、总体要求', '二、工作机制']);
    expect(r.volume.meta.title).toBe('关于加强预算审查的决定');
    expect(r.volume.meta.date).toBe('2021-12-24');
    // the preamble is the first unit's text, not lost
    expect(bodyText(papers(r.volume)[0]!)).toContain('特作如下决定');
  });

  it('a law’s 第X章 with its articles under it are its units, never dividers that lose the articles', () => {
    const law = '# 某某促进法\n\n2021年4月29日 某会议通过\n\n## 第一章　总则\n\n第一条 为了促进某某，制定本法。\n\n第二条 本法适用于某某。\n\n## 第二章　附则\n\n第三条 本法自公布之日起施行。\n';
    const r = read(law);
    expect(titles(r.volume)).toEqual(['某某促进法', '第一章　总则', '第二章　附则']);
    expect(bodyText(papers(r.volume)[1]!)).toContain('第二条 本法适用于某某');
    expect(bodyText(papers(r.volume)[2]!)).toContain('第三条');
    // the normalized manuscript reads back as the same units (its 目录 lists 「第一章　总则」 as a paper)
    const again = read(volumeToMarkdown(r.volume), '/tmp/文集/again.md');
    expect(titles(again.volume)).toEqual(titles(r.volume));
    // a 第X章 line that only opens the papers after it still divides the volume
    const volume = read('# 目录\n\n第一章 发展篇\n\n甲文\t市甲局\n\n乙文\t市乙局\n\n## 第一章 发展篇\n\n### 甲文\n\n市甲局\n\n甲的正文。\n\n### 乙文\n\n市乙局\n\n乙的正文。\n');
    expect(titles(volume.volume)).toEqual(['甲文', '乙文']);
    expect(volume.volume.parts[0]!.chapters[0]!.title).toBe('发展篇');
    // …and text between such a divider and its first paper, which no paper holds, is named by a warning
    const intro = read('# 书名\n\n## 第一章 发展篇\n\n本章收录两篇论文。\n\n### 甲文\n\n市甲局\n\n甲的正文。\n\n### 乙文\n\n市乙局\n\n乙的正文。\n');
    expect(titles(intro.volume)).toEqual(['甲文', '乙文']);
    expect(reasons(intro, 'paper-header').some((r) => r.includes('不属于任何论文') && r.includes('本章收录两篇论文'))).toBe(true);
  });

  it('a law’s 第X章 over its 第X节, without a 目录, heads them as a 章 — its title neither lost nor a paper', () => {
    const law = '# 某某法\n\n## 第一章　总则\n\n第一条 甲。\n\n## 第二章　组织\n\n### 第一节　一般规定\n\n第二条 乙。\n\n### 第二节　特别规定\n\n第三条 丙。\n\n## 第三章　附则\n\n第四条 丁。\n';
    const r = read(law);
    // before: the 节 were units and 「第二章　组织」 went nowhere (not in the 目录, the PDF or the normalized manuscript)
    const chapters = r.volume.parts.flatMap((p) => p.chapters).map((c) => [c.label, c.title, c.papers.map((x) => x.title)]);
    expect(chapters).toEqual([
      [null, null, ['第一章　总则']],
      ['第二章', '组织', ['第一节　一般规定', '第二节　特别规定']],
      [null, null, ['第三章　附则']],
    ]);
    expect(r.volume.meta.title).toBe('某某法');
    expect(bodyText(papers(r.volume)[3]!)).toContain('第四条 丁');
    expect(r.file.messages.some((m) => m.reason.includes('全部论文放在同一部分'))).toBe(false);
    // the normalized manuscript keeps the 章 and reads back the same (its 目录 lists it)
    const md = volumeToMarkdown(r.volume);
    expect(md).toContain('第二章');
    const again = read(md, '/tmp/文集/again.md');
    expect(again.volume.parts.flatMap((p) => p.chapters).map((c) => [c.label, c.title, c.papers.map((x) => x.title)])).toEqual(chapters);
    // a bare 「第二章」 line is the chapter's title, printed once
    const bare = read(law.replace('## 第二章　组织', '## 第二章'));
    expect(bare.volume.parts.flatMap((p) => p.chapters).map((c) => [c.label, c.title])[1]).toEqual([null, '第二章']);
  });

  it('takes a plain title line above an issuer and a date as the book’s title (a web page’s), never any short first line', () => {
    const page = read('中华人民共和国2025年统计公报[1]\n\n国家统计局\n\n2026年2月28日\n\n　　全年国内生产总值增长。\n\n## 一、综合\n\n甲。\n\n## 二、农业\n\n乙。\n');
    expect(page.volume.meta.title).toBe('中华人民共和国2025年统计公报');
    expect(page.volume.meta.date).toBe('2026-02-28');
    // no date under it: a first short line is no title (the file names the book)
    expect(read('简要说明\n\n全年国内生产总值增长。\n\n## 一、综合\n\n甲。\n\n## 二、农业\n\n乙。\n').volume.meta.title).toBe('周刊');
  });

  it('a document whose title has no text of its own before the first section gets no empty unit', () => {
    const r = read('# 数据篇\n\n## 概述\n\n甲。\n\n## 一. 总体\n\n乙。\n');
    expect(titles(r.volume)).toEqual(['概述', '一. 总体']);
    expect(r.volume.meta.title).toBe('数据篇');
  });

  it('takes every YAML front-matter block out of the text and reports it; per-file blocks name the collection by their shared tag', () => {
    const r = read('---\ntitle: 3. 卷首语\ntags: [2024 年度报告]\n---\n\n# 卷首语\n\n甲。\n\n---\ntitle: 商业化篇\ntags: [2024 年度报告]\n\n---\n\n# 商业化篇\n\n乙。\n');
    expect(titles(r.volume)).toEqual(['卷首语', '商业化篇']);
    expect(r.file.data.frontMatter).toHaveLength(2);
    expect(reasons(r, 'front-matter')).toHaveLength(2);
    for (const p of papers(r.volume)) expect(bodyText(p)).not.toMatch(/title:|tags:/);
    expect(r.volume.meta.title).toBe('2024 年度报告');
  });

  it('a later block’s title names the section file that has no heading of its own', () => {
    const r = read('# 甲篇\n\n甲。\n\n---\ntitle: 乙篇\n---\n\n乙的正文。\n');
    expect(titles(r.volume)).toEqual(['甲篇', '乙篇']);
    expect(bodyText(papers(r.volume)[1]!)).toContain('乙的正文');
  });

  it('without book.yaml: never 未命名 or 1970 — the title from the file name when nothing else gives it, the date left unknown and reported', () => {
    const r = read('# 春天的文章\n\n甲。\n\n# 秋天的文章\n\n乙。\n', '/tmp/春季文集/manuscript.md');
    expect(r.volume.meta.title).toBe('春季文集');
    expect(r.volume.meta.date).toBeUndefined();
    expect(reasons(r, 'build-volume').join()).toMatch(/没有给出日期/);
  });
});

describe('目录 forms', () => {
  it('a 目录 written as headings is read as the 目录, never printed as papers', () => {
    const r = read('# 报告\n\n# 目录\n\n## 卷首语\n\n### 一. 背景\n\n## 数据篇\n\n# 卷首语\n\n甲。\n\n# 数据篇\n\n乙。\n');
    expect(r.file.data.toc?.form).toBe('headings');
    expect(r.file.data.toc?.entries.map((e) => e.title)).toEqual(['卷首语', '数据篇']);
    expect(titles(r.volume)).toEqual(['卷首语', '数据篇']);
  });

  it('a list of links before the papers is the 目录 (with its `## 2026` / `**五月**` lines); links to the files resolve to their papers', () => {
    const r = read(
      '# 周刊\n\n## 2026\n\n**五月**\n\n- 第 2 期：[互联网通信的替代方案](docs/issue-2.md)\n- 第 1 期：[软件开发的第三种方式](docs/issue-1.md)\n\n# 周刊（第 2 期）：互联网通信的替代方案\n\n正文。\n\n# 周刊（第 1 期）：软件开发的第三种方式\n\n见[上一期](issue-2.md)和[别的文件](notes/x.md)，[网页](https://example.com)。\n',
    );
    expect(r.file.data.toc?.form).toBe('list');
    expect(titles(r.volume)).toEqual(['周刊（第 2 期）：互联网通信的替代方案', '周刊（第 1 期）：软件开发的第三种方式']);
    expect(r.volume.meta.title).toBe('周刊');
    const [second, first] = papers(r.volume);
    const body = bodyText(first!);
    expect(body).toContain(`"url":"#${second!.id}"`);
    expect(body).not.toContain('notes/x.md');
    expect(body).toContain('别的文件');
    expect(body).toContain('https://example.com');
    expect(reasons(r, 'build-volume').join()).toMatch(/notes\/x\.md.*已改为纯文字/);
  });

  it('a 目录 it cannot read is warned about and not printed; the 目录 is regenerated', () => {
    const r = read('# 论文\n\n# 目录\n\n[TOC]\n\n# 一、绪论\n\n甲。\n\n# 二、方法\n\n乙。\n');
    expect(reasons(r, 'toc-entries').join()).toMatch(/目录无法读出/);
    expect(titles(r.volume)).toEqual(['一、绪论', '二、方法']);
    expect(r.volume.meta.title).toBe('论文');
    for (const p of papers(r.volume)) expect(bodyText(p)).not.toContain('[TOC]');
  });
});
