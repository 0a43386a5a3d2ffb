/**
 * What a paper's rendered HTML depends on, as a cache key (print chunk HTML, EPUB chapter XHTML):
 *
 *   paperContentKey  the paper as the model holds it — id, title, subtitle, unit, body — without
 *                    where it stands: source positions (`position`), the per-character source map
 *                    and the original text kept for the normalized manuscript (`data.juan`,
 *                    `data.juanSource`) are left out, so an edit that moves a paper (an earlier
 *                    paper grew) keeps its key; anything the HTML reads is in it
 *   renderCodeKey    the code that turns the model into HTML: every source file under pipeline/
 *                    and the installed packages (package-lock.json) by path, size and time, as
 *                    bin/juan.js keys its bundle; once per process — the code that runs is the
 *                    code loaded at start
 *
 * A writer adds what else shapes its output (running head, the chapter a paper opens, the book's
 * link definitions, page-break places) to these two.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Chapter, Paper } from '../model/types.ts';
import { hashKey } from '../cache/store.ts';
import { projectPath } from '../paths.ts';

/** Keys that say where a node is or what the source text was, never what is printed. */
const PLACE_KEYS = new Set(['position', 'juan', 'juanSource']);

/** JSON.stringify replacer that leaves out PLACE_KEYS. */
export const placeFree = (k: string, v: unknown): unknown => (PLACE_KEYS.has(k) ? undefined : v);

const contentKeys = new WeakMap<Paper, string>();

/** The paper's content, position-free (see the file comment). */
export function paperContentKey(paper: Paper): string {
  let key = contentKeys.get(paper);
  if (!key) {
    const { position: _position, ...rest } = paper;
    key = hashKey('paper-content', JSON.stringify(rest, placeFree));
    contentKeys.set(paper, key);
  }
  return key;
}

/** The chapter a paper opens (its heading is in the paper's HTML), or null. */
export function opensChapterKey(chapter: Chapter | null): string {
  return JSON.stringify(chapter && [chapter.id, chapter.label, chapter.title]);
}

let codeKey: string | null = null;

/** The rendering code (see the file comment). */
export function renderCodeKey(): string {
  if (codeKey) return codeKey;
  const parts: Array<string | Uint8Array> = ['render-code'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|js|mjs)$/.test(entry.name)) stamp(file);
    }
  };
  const stamp = (file: string) => {
    const st = statSync(file);
    parts.push(`${path.relative(projectPath(), file)}:${st.size}:${st.mtimeMs}`);
  };
  walk(projectPath('pipeline'));
  stamp(projectPath('package-lock.json'));
  if (existsSync(projectPath('node_modules', '.package-lock.json'))) stamp(projectPath('node_modules', '.package-lock.json'));
  codeKey = hashKey(...parts);
  return codeKey;
}
