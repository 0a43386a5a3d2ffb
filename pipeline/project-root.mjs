/*
 * The project root: the first folder above `from` with package.json and pipeline/. Found from
 * the calling module, so that the code runs the same from its TypeScript sources (tsx, vitest),
 * from the bundled CLI in .cache/ (bin/juan.js) and from the font worker loaded by path. Plain
 * JavaScript: paths.ts and the worker's fonts/tool-cache.mjs both use it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {string} from a folder
 * @returns {string | null}
 */
export function findProjectRoot(from) {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'pipeline'))) {
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  return dir;
}
