/** Run the `juan` bin as a user would (node bin/juan.js …), capturing output and exit code. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The build cache of this test file's builds: never the project's own .cache/juan. */
let testCache: string | null = null;

/** `args` for a build, with this test file's own cache unless they choose one. */
export function withTestCache(args: string[]): string[] {
  if (args[0] !== 'build' || args.some((a) => a === '--cache' || a === '--no-cache')) return args;
  testCache ??= mkdtempSync(join(tmpdir(), 'juan-test-cache-'));
  // right after the command: a trailing option must stay the last argument (`build --out` tests a missing value)
  return [args[0], '--cache', testCache, ...args.slice(1)];
}

export function juan(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'juan.js'), ...withTestCache(args)], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: 600_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
