/**
 * The CLI over generated manuscripts of random structure (issue 13): 篇/章 present or not, the 目录
 * as leader lines, headings, a list of links, unreadable, or absent; front-matter blocks; papers
 * at `#` or `##` (with a `## 2025`-like line above); empty papers. Whatever the input, juan ends
 * with exit 0, 1 or 2 and one error line (never a stack trace); when it builds, `juan check`
 * passes and epubcheck finds no error. Few runs: each is a real build (CI-friendly).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { juan } from '../support/cli.ts';

const TITLES = ['区域协同创新的实践与思考', '制造业转型升级的对策研究', '数字乡村建设的路径探索', '开源社区治理的经验', '城市更新中的公共空间', '人工智能与基础教育', '流域治理的制度安排', '科技金融服务实体经济'];
const SENTENCES = ['近年来，各地在这一领域做了大量探索，取得了明显成效。', '但也要看到，体制机制方面仍有不少短板需要补齐。', '下一步，应当坚持问题导向，久久为功。', '数据显示，相关指标较上年增长百分之十二。'];

interface Shape {
  parts: boolean;
  chapters: boolean;
  toc: 'none' | 'lines' | 'headings' | 'links' | 'unreadable';
  frontMatter: 0 | 1 | 2;
  depth: 1 | 2;
  yearLine: boolean;
  papers: Array<{ title: number; sections: number; empty: boolean; unit: boolean }>;
}

const shape: fc.Arbitrary<Shape> = fc.record({
  parts: fc.boolean(),
  chapters: fc.boolean(),
  toc: fc.constantFrom('none', 'lines', 'headings', 'links', 'unreadable'),
  frontMatter: fc.constantFrom(0, 1, 2),
  depth: fc.constantFrom(1, 2),
  yearLine: fc.boolean(),
  papers: fc.array(fc.record({ title: fc.nat(TITLES.length - 1), sections: fc.nat(2), empty: fc.boolean(), unit: fc.boolean() }), { minLength: 1, maxLength: 4 }),
}) as fc.Arbitrary<Shape>;

function manuscript(s: Shape): string {
  const h = (n: number) => '#'.repeat(Math.min(6, n));
  const out: string[] = [];
  if (s.frontMatter >= 1) out.push('---\ntitle: 随机文集\ndate: 2024-05\n---\n');
  out.push(`${h(1)} 随机文集\n`);
  const titles = s.papers.map((p, i) => `${TITLES[p.title]}${i > 0 && s.papers.slice(0, i).some((q) => q.title === p.title) ? '' : ''}`);
  const where = (i: number) => ({ part: s.parts ? (i < 2 ? '第一篇 上篇' : '第二篇 下篇') : null, chapter: s.chapters ? (i % 2 === 0 ? '第一章 甲章' : '第二章 乙章') : null });
  if (s.toc === 'lines') {
    out.push(`${h(1)} 目录\n`);
    let lastPart = '';
    let lastChapter = '';
    titles.forEach((t, i) => {
      const w = where(i);
      if (w.part && w.part !== lastPart) { out.push(`${h(2)} ${w.part}\n`); lastPart = w.part; lastChapter = ''; }
      if (w.chapter && w.chapter !== lastChapter) { out.push(`${h(3)} ${w.chapter}\n`); lastChapter = w.chapter; }
      out.push(`${t}……市某局（${String(i * 3 + 1).padStart(2, '0')}）\n`);
    });
  } else if (s.toc === 'headings') {
    out.push(`${h(1)} 目录\n`, ...titles.map((t) => `${h(2)} ${t}\n`));
  } else if (s.toc === 'links') {
    out.push(...titles.map((t, i) => `- [${t}](part-${i + 1}.md)`), '');
  } else if (s.toc === 'unreadable') {
    out.push(`${h(1)} 目录\n`, '[TOC]\n');
  }
  if (s.yearLine) out.push(`${h(s.depth + 1)} 2025\n`);
  s.papers.forEach((p, i) => {
    if (s.frontMatter === 2 && i > 0) out.push(`---\ntitle: ${titles[i]}\ntags: [随机文集]\n---\n`);
    out.push(`${h(s.depth)} ${titles[i]}\n`);
    if (p.unit) out.push('市某某局\n');
    if (!p.empty) {
      out.push(`${SENTENCES[i % SENTENCES.length]}${SENTENCES[(i + 1) % SENTENCES.length]}\n`);
      for (let k = 0; k < p.sections; k++) out.push(`${h(s.depth + 1)} ${'一二三'[k]}、第${k + 1}部分\n`, `${SENTENCES[(i + k) % SENTENCES.length]}见[另一篇](part-${(i + 1) % titles.length + 1}.md)。\n`);
    }
  });
  return out.join('\n');
}

describe('juan over manuscripts of random structure', () => {
  it('ends with exit 0/1/2 and one error line; a built book passes juan check and epubcheck', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const dir = mkdtempSync(join(tmpdir(), 'juan-random-'));
        const file = join(dir, '随机文集.md');
        writeFileSync(file, manuscript(s));
        const out = join(dir, 'out');
        const build = juan(['build', '--manuscript', file, '--out', out, '--quiet', '--no-cache']);
        const context = `${JSON.stringify(s)}\n${build.stderr}`;
        expect([0, 1, 2], context).toContain(build.code);
        expect(build.stderr, context).not.toMatch(/\n\s+at |Node\.js v\d|内部错误/);
        if (build.code !== 0) return;
        const check = juan(['check', '--out', out]);
        expect(check.code, `${context}\n${check.stdout}${check.stderr}`).toBe(0);
        const epub = spawnSync('java', ['-jar', '/usr/bin/epubcheck', join(out, 'book.epub')], { encoding: 'utf8' });
        expect(epub.stdout + epub.stderr, context).toMatch(/0 fatals \/ 0 errors/);
      }),
      { numRuns: 6, seed: 13, endOnFailure: true },
    );
  }, 1_500_000);
});
