/** `juan check` on the real seed build: passes, and fails with a table when a number is wrong. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { juan } from '../support/cli.ts';

describe('juan check (CLI)', () => {
  let seedOut: string;
  beforeAll(() => {
    const error = inject('seedBuildError');
    if (error) throw new Error(`seed build failed: ${error}`);
    seedOut = inject('seedOut');
  });

  it('passes on the seed build', () => {
    const run = juan(['check', '--out', seedOut]);
    expect(run.stdout + run.stderr).toMatch(/核对通过/);
    expect(run.code).toBe(0);
  });

  it('fails with a table when toc.json says a wrong page', () => {
    const out = mkdtempSync(join(tmpdir(), 'juan-check-'));
    cpSync(seedOut, out, { recursive: true });
    const toc = JSON.parse(readFileSync(join(out, 'toc.json'), 'utf8'));
    const paper = toc.find((e: { kind: string; page: string | null }) => e.kind === 'paper' && e.page);
    paper.page = String(Number(paper.page) + 1);
    writeFileSync(join(out, 'toc.json'), JSON.stringify(toc, null, 2));
    const run = juan(['check', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(paper.title.slice(0, 8));
    expect(run.stdout).toContain('toc.json');
  });

  it('names the missing file when there is no build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'juan-check-empty-'));
    const run = juan(['check', '--out', empty]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(join(empty, 'book.pdf'));
  });
});
