/**
 * A content-addressed build cache on disk (default `.cache/juan` in the project, git-ignored).
 *
 * Entries are files named by a SHA-256 key that the caller derives from everything the entry
 * depends on (content, styles, fonts, settings, engine version); an entry is never updated in
 * place, only written whole (temp file + rename), so a crashed or concurrent build can at worst
 * miss, never read half an entry. `stats` counts hits, misses and writes per build, for the
 * progress display, report.json and tests.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
}

/** SHA-256 over the parts, each length-prefixed so that ('ab','c') ≠ ('a','bc'). */
export function hashKey(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    hash.update(`${bytes.length}:`).update(bytes);
  }
  return hash.digest('hex');
}

/**
 * Entries being written (path → data), in this thread, by any BuildCache: put() hands the write to
 * Node's thread pool and returns — a cold build writes ~640 entries (one per stamp's place, each
 * paper's layout, pages, HTML…), ~0.2 s of the main thread when written in turn, ~0.13 s of it
 * between the last tab's PDF and the merge — and a get() of an entry still on its way reads it here.
 */
const pending = new Map<string, Uint8Array | string>();
const writing = new Set<Promise<void>>();

/** Wait until every entry put so far in this thread is on disk (or failed); the build's last step. */
export async function flushCacheWrites(): Promise<void> {
  while (writing.size) await Promise.all([...writing]);
}

/** Entries older than this and not used by the current build are removed by prune(). */
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

export class BuildCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, writes: 0 };

  /** A cold build (--no-cache) has no BuildCache at all. */
  constructor(readonly dir: string) {}

  private file(ns: string, key: string, ext: string): string {
    return join(this.dir, ns, `${key}.${ext}`);
  }

  /** The bytes of an entry, or null (and a miss is counted). */
  get(ns: string, key: string, ext: string): Buffer | null {
    const path = this.file(ns, key, ext);
    const unwritten = pending.get(path);
    if (unwritten != null) {
      this.stats.hits++;
      return Buffer.from(unwritten);
    }
    try {
      const data = readFileSync(path);
      this.stats.hits++;
      try {
        const now = new Date();
        utimesSync(path, now, now);
      } catch { /* read-only cache: fine */ }
      return data;
    } catch {
      this.stats.misses++;
      return null;
    }
  }

  getJson<T>(ns: string, key: string): T | null {
    const data = this.get(ns, key, 'json');
    if (!data) return null;
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  /** Write an entry (temp file + rename, in the thread pool: see `pending`); a write that fails is not counted. */
  put(ns: string, key: string, ext: string, given: Uint8Array | string): void {
    const path = this.file(ns, key, ext);
    // a copy: the caller may change or transfer its bytes while they are being written
    const data = typeof given === 'string' ? given : Buffer.from(given);
    try {
      mkdirSync(join(this.dir, ns), { recursive: true }); // made again if someone removed the cache meanwhile (juan preview runs for hours)
    } catch {
      return; /* a cache that cannot be written only makes the next build slower */
    }
    pending.set(path, data);
    this.stats.writes++;
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const done: Promise<void> = writeFile(tmp, data)
      .then(() => rename(tmp, path))
      .catch(() => {
        this.stats.writes--;
        return rm(tmp, { force: true }).catch(() => {});
      })
      .finally(() => {
        if (pending.get(path) === data) pending.delete(path);
        writing.delete(done);
      });
    writing.add(done);
  }

  /** Whether the namespace has any entry: a hint that this book was built with this cache before. */
  holds(ns: string): boolean {
    try {
      return readdirSync(join(this.dir, ns)).length > 0;
    } catch {
      return false;
    }
  }

  putJson(ns: string, key: string, value: unknown): void {
    this.put(ns, key, 'json', JSON.stringify(value));
  }

  /** Remove entries not touched for two weeks (the current build's entries were just touched). */
  prune(now = Date.now()): number {
    let removed = 0;
    let namespaces: string[] = [];
    try {
      namespaces = readdirSync(this.dir);
    } catch {
      return 0;
    }
    for (const ns of namespaces) {
      let names: string[] = [];
      try {
        names = readdirSync(join(this.dir, ns));
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(this.dir, ns, name);
        try {
          if (now - statSync(path).mtimeMs > MAX_AGE_MS) {
            rmSync(path, { force: true });
            removed++;
          }
        } catch { /* gone */ }
      }
    }
    return removed;
  }
}
