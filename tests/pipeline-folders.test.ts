/**
 * The pipeline's folders depend one way: a stage may use an earlier stage or a shared folder, never
 * the reverse (issue 12: normalize/ ↔ model/, report/ ↔ normalize/, templates ↔ render/ once did).
 * A folder and its own subfolders (normalize ↔ normalize/rules, print ↔ print/pdf) are one unit.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../pipeline');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** A file's unit: its folder; a file at the top of pipeline/ (cli.ts, paths.ts) is a unit of its own. */
const unitOf = (file: string) => relative(root, dirname(file)) || relative(root, file);

/** Unit → units it imports (static and dynamic relative imports). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const from = unitOf(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = unitOf(resolve(dirname(file), m[1]!));
      if (to !== from) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
    }
  }
  return graph;
}

const nested = (a: string, b: string) => a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

function mutualImports(graph: Map<string, Set<string>>): string[] {
  const pairs: string[] = [];
  for (const [a, targets] of graph) for (const b of targets) if (a < b && !nested(a, b) && graph.get(b)?.has(a)) pairs.push(`${a} ↔ ${b}`);
  return pairs;
}

describe('pipeline folders', () => {
  it('no two folders import each other', () => {
    const graph = folderGraph();
    expect(graph.get('normalize')?.has('model')).toBe(true); // the graph is read at all
    expect(mutualImports(graph)).toEqual([]);
  });

  it('the check sees a cycle when there is one', () => {
    const graph = folderGraph();
    graph.get('model')!.add('normalize');
    expect(mutualImports(graph)).toEqual(['model ↔ normalize']);
  });
});
