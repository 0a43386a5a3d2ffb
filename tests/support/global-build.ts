/**
 * Builds the seed book once per test run (conventions: "build the seed book once per run")
 * and provides its output folder to the end-to-end tests via inject('seedOut').
 * The build is skipped when nothing it depends on changed since the last run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = join(import.meta.dirname, '..', '..');
export const SEED_OUT = join(ROOT, 'tests', '.out', 'seed');

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(path).update(readFileSync(path));
  }
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const dir of ['manuscript', 'pipeline', 'styles', 'templates']) {
    if (existsSync(join(ROOT, dir))) hashTree(hash, join(ROOT, dir));
  }
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

declare module 'vitest' {
  export interface ProvidedContext {
    seedOut: string;
    seedBuildError: string | null;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const stamp = join(SEED_OUT, '.inputs-hash');
  const hash = inputsHash();
  let error: string | null = null;
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(SEED_OUT, 'book.pdf')))) {
    try {
      const { runBuild } = await import('../../pipeline/commands/build.ts');
      // Cold, and never into the project's own .cache/juan.
      await runBuild({ cwd: ROOT, out: SEED_OUT, cache: false });
      writeFileSync(stamp, hash);
    } catch (e) {
      error = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
    }
  }
  project.provide('seedOut', SEED_OUT);
  project.provide('seedBuildError', error);
}
