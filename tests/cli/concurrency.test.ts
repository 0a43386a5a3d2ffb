/** Two builds into the same --out at once: both succeed, the result is one consistent build. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { juan, ROOT, withTestCache } from '../support/cli.ts';

function build(out: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'juan.js'), ...withTestCache(['build', '--no-epub', '--quiet', '--out', out])], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('concurrent builds into one --out', () => {
  it('both finish, no staging folder or lock is left, and the result passes juan check', async () => {
    const out = mkdtempSync(join(tmpdir(), 'juan-concurrent-'));
    const [a, b] = await Promise.all([build(out), build(out)]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readdirSync(out).filter((f) => f.startsWith('.juan'))).toEqual([]);
    for (const f of ['book.pdf', 'toc.json', 'manuscript.normalized.md', 'print.html', 'report.json']) expect(existsSync(join(out, f))).toBe(true);
    const check = juan(['check', '--out', out]);
    expect(check.stdout).toMatch(/核对通过/);
    expect(check.code).toBe(0);
  });
});
