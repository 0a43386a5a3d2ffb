/**
 * A stale output folder is told from a wrong 目录 (issue 13): `juan normalize` never leaves --out
 * inconsistent with a book.pdf there, and `juan check` says 「请重新构建」 with its own message.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT, juan } from '../support/cli.ts';

describe('stale output folder', () => {
  let seedOut: string;
  beforeAll(() => {
    const error = inject('seedBuildError');
    if (error) throw new Error(`seed build failed: ${error}`);
    seedOut = inject('seedOut');
  });
  const copy = () => {
    const out = mkdtempSync(join(tmpdir(), 'juan-stale-'));
    cpSync(seedOut, out, { recursive: true });
    return out;
  };

  it('juan normalize after a build keeps the PDF’s page numbers when the papers are the same: check still passes', () => {
    const out = copy();
    const before = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8'));
    const run = juan(['normalize', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8'))).toEqual(before);
    const check = juan(['check', '--out', out]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('juan normalize of a changed manuscript sets the old book.pdf aside (book.stale.pdf) and says to rebuild', () => {
    const out = copy();
    const dir = mkdtempSync(join(tmpdir(), 'juan-stale-ms-'));
    const text = readFileSync(join(ROOT, 'manuscript', '论文集.md'), 'utf8').replace('# 科技创新与高质量发展', '# 科技创新与高质量发展研究');
    writeFileSync(join(dir, '论文集.md'), text);
    cpSync(join(ROOT, 'manuscript', 'book.yaml'), join(dir, 'book.yaml'));
    const run = juan(['normalize', '--manuscript', join(dir, '论文集.md'), '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('请重新构建');
    expect(existsSync(join(out, 'book.pdf'))).toBe(false);
    expect(existsSync(join(out, 'book.stale.pdf'))).toBe(true);
    // nothing left that disagrees: check asks for a build instead of blaming the 目录
    const check = juan(['check', '--out', out]);
    expect(check.code).not.toBe(0);
    expect(check.stdout).not.toContain('目录页码有误');
  });

  it('juan check on a toc.json without page numbers (written by normalize) says to rebuild, exit 2 — not 目录页码有误', () => {
    const out = copy();
    const toc = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8')).map((e: object) => ({ ...e, page: null, pdfPage: null }));
    writeFileSync(join(out, 'toc.json'), JSON.stringify(toc, null, 2));
    const check = juan(['check', '--out', out]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('请重新构建');
    expect(check.stdout).not.toContain('目录页码有误');
  });
});
