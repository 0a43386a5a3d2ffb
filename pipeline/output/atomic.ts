/**
 * Atomic outputs: a build writes into its own staging folder inside --out and moves the
 * finished files into place only when everything succeeded. A failed build leaves the
 * previous outputs byte-for-byte as they were; two builds into the same folder each stage
 * separately and publish under a lock, so neither sees the other's half-written files.
 */
import { mkdirSync, mkdtempSync, openSync, closeSync, renameSync, rmSync, statSync, writeFileSync, existsSync, readdirSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { JuanError } from '../report/errors.ts';

export interface OutputFile {
  /** Path relative to the output folder, e.g. `book.pdf` or `assets/fonts/x.woff2`. */
  path: string;
  data: Uint8Array | string;
}

const LOCK = '.juan.lock';
const STAGE_PREFIX = '.juan-staging-';

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Take the publish lock of `outDir`; stale locks (older than `staleMs`) are broken. */
function lock(outDir: string, staleMs = 60_000, waitMs = 120_000): () => void {
  const path = join(outDir, LOCK);
  const started = Date.now();
  for (;;) {
    try {
      closeSync(openSync(path, 'wx'));
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(path).mtimeMs > staleMs) unlinkSync(path);
      } catch { /* the other build released it meanwhile */ }
      if (Date.now() - started > waitMs) {
        throw new JuanError('render', '输出文件夹被另一个构建占用，等待超时', { file: outDir, hint: `确认没有别的 juan 在运行后删除 ${path}` });
      }
      sleep(50);
    }
  }
}

/** Prepare `outDir` (create it) and check it is a folder. */
export function ensureOutDir(outDir: string): string {
  const abs = resolve(outDir);
  if (existsSync(abs) && !statSync(abs).isDirectory()) {
    throw new JuanError('usage', '--out 指向的是一个文件，不是文件夹', { file: abs });
  }
  mkdirSync(abs, { recursive: true });
  return abs;
}

/**
 * Write `files` into `outDir` atomically: all are staged first, then each is renamed into
 * place (rename is atomic on one filesystem). Nothing in `outDir` changes if staging fails.
 */
export function publishOutputs(outDir: string, files: OutputFile[]): string[] {
  const abs = ensureOutDir(outDir);
  const stage = mkdtempSync(join(abs, STAGE_PREFIX));
  try {
    for (const file of files) {
      const target = join(stage, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.data);
    }
    const release = lock(abs);
    try {
      for (const file of files) {
        const target = join(abs, file.path);
        mkdirSync(dirname(target), { recursive: true });
        renameSync(join(stage, file.path), target);
      }
      removeLeftovers(abs, files);
    } finally {
      release();
    }
    return files.map((f) => join(abs, f.path));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * Folders the build writes (assets/…) hold exactly this build's files: a file an earlier
 * build left there (a font it no longer uses) is removed. Top-level files are never touched.
 */
function removeLeftovers(outDir: string, files: OutputFile[]): void {
  const published = new Set(files.map((f) => join(outDir, f.path)));
  const folders = new Set(files.map((f) => f.path.split(/[\\/]/)).filter((parts) => parts.length > 1).map((parts) => join(outDir, parts[0]!)));
  const sweep = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) sweep(path);
      else if (!published.has(path)) rmSync(path, { force: true });
    }
  };
  for (const folder of folders) if (existsSync(folder)) sweep(folder);
}

/** Remove staging folders a killed build left behind (older than an hour). */
export function sweepStaleStaging(outDir: string): void {
  if (!existsSync(outDir)) return;
  for (const name of readdirSync(outDir)) {
    if (!name.startsWith(STAGE_PREFIX)) continue;
    const path = join(outDir, name);
    if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}
