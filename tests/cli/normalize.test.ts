import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { juan } from '../support/cli.ts';

describe('juan normalize (as a new user runs it)', () => {
  const out = mkdtempSync(join(tmpdir(), 'juan-normalize-'));
  const run = juan(['normalize', '--out', out]);

  it('exits 0 and writes the three files', () => {
    expect(run.stderr).not.toMatch(/内部错误|at .*\.ts:\d+/);
    expect(run.code).toBe(0);
    for (const f of ['manuscript.normalized.md', 'toc.json', 'report.json']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('lists the changes with positions in the original manuscript and rule ids', () => {
    // The page-break join of 「…人民幸」+「福感…」 starts on line 127 of the seed.
    expect(run.stderr).toMatch(/127:\d+.*join-page-break-paragraphs/);
    expect(run.stderr).toMatch(/heading-level-from-numbering/);
    expect(run.stderr).toMatch(/按规则统计/);
  });

  it('report.json has every message with rule, line, column and counts', () => {
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.messages.length).toBe(report.counts.total);
    expect(report.messages.length).toBeGreaterThan(10);
    for (const m of report.messages) {
      expect(typeof m.rule).toBe('string');
      expect(m.rule).not.toBe('unknown');
      expect(m.line).toBeGreaterThan(0);
    }
    expect(report.papers.delivered).toBe(3);
    expect(report.papers.missing).toHaveLength(47);
  });

  it('toc.json lists the delivered papers without page numbers yet', () => {
    const toc = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8'));
    const papers = toc.filter((e: { kind: string; page: unknown }) => e.kind === 'paper' && e.page === null);
    expect(papers.map((p: { title: string }) => p.title)).toEqual(
      expect.arrayContaining(['以区域协同创新推动环创中心高质量发展', '科技创新与高质量发展']),
    );
  });
});

describe('juan usage errors', () => {
  it('unknown command → exit 2 with a Chinese message', () => {
    const run = juan(['publish']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/未知命令「publish」/);
  });
  it('unknown option → exit 2', () => {
    const run = juan(['build', '--colour']);
    expect(run.code).toBe(2);
  });
  it('--help → exit 0 and lists the commands', () => {
    const run = juan(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/normalize[\s\S]*build[\s\S]*check/);
  });
});

describe('a manuscript without 目录', () => {
  it('still normalizes: the 目录 is built from the bodies, with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'juan-notoc-'));
    const manuscript = join(dir, 'no-toc.md');
    writeFileSync(manuscript, '# 甲论文：制造业发展\n\n市甲局\n\n正文一段。\n\n# 乙论文：科技创新\n\n市乙局\n\n正文二段。\n');
    const run = juan(['normalize', '--manuscript', manuscript, '--out', join(dir, 'out')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/书稿没有目录/);
    const toc = JSON.parse(readFileSync(join(dir, 'out', 'toc.json'), 'utf8'));
    expect(toc.filter((e: { kind: string }) => e.kind === 'paper').map((e: { title: string }) => e.title)).toEqual(['甲论文：制造业发展', '乙论文：科技创新']);
    expect(readFileSync(join(dir, 'out', 'manuscript.normalized.md'), 'utf8')).toMatch(/# 目录[\s\S]*甲论文：制造业发展\t市甲局[\s\S]*乙论文：科技创新\t市乙局/);
  });
});
