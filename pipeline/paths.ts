/**
 * Where the project's own files are (styles/, templates/, the browser-side handlers), found
 * from the project root — not from the calling module — so the code runs the same from its
 * TypeScript sources (tsx, vitest) and from the bundled CLI in .cache/ (bin/juan.js).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'pipeline'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`juan: project root not found above ${from}`);
    dir = up;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** An absolute path inside the project, from project-relative parts. */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
