/**
 * Where the project's own files are (styles/, templates/, the browser-side handlers), found
 * from the project root — not from the calling module — so the code runs the same from its
 * TypeScript sources (tsx, vitest) and from the bundled CLI in .cache/ (bin/juan.js).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProjectRoot } from './project-root.mjs';

function findRoot(from: string): string {
  const root = findProjectRoot(from);
  if (!root) throw new Error(`juan: project root not found above ${from}`);
  return root;
}

export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** An absolute path inside the project, from project-relative parts. */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
