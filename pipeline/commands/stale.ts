/**
 * Outputs a build chose not to make: an old book.epub left beside a new book.pdf (--no-epub)
 * would pass for this build's, so it is removed once the new outputs are in place (a failed
 * build removes nothing: the earlier build stays whole).
 */
import { rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Remove `names` from `out` where present; returns the paths removed. */
export function removeStaleOutputs(out: string, names: string[]): string[] {
  const removed: string[] = [];
  for (const name of names) {
    const path = join(out, name);
    if (!existsSync(path)) continue;
    rmSync(path, { force: true });
    removed.push(path);
  }
  return removed;
}
