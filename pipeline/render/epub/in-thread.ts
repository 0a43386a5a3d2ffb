/**
 * renderEpub in a worker thread (epub-thread.ts), so that the EPUB is made while the main
 * thread merges and post-processes the PDFs. One thread per process, started by warmEpubThread
 * as the build starts (its modules load meanwhile) and kept for later builds (juan preview);
 * it never keeps the process alive when idle.
 *
 * The thread runs the same code as the CLI: from the bundle (bin/juan.js bundles it as
 * `epub-thread.js` beside `cli.js`), or from the TypeScript sources through tsx's loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PageMap, Volume } from '../../model/types.ts';
import type { BuildCache } from '../../cache/store.ts';
import { JuanError } from '../../report/errors.ts';
import { fontWorkerPort } from '../fonts/subset.ts';
import { WorkerRequests } from '../worker-requests.ts';
import { typesetMath } from '../content/index.ts';
import type { EpubReply, EpubRequest, SerializedError } from './epub-thread.ts';

let thread: WorkerRequests<EpubReply> | null = null;

/** How to start the thread from the code running now: its bundled file, or its source through tsx. */
function threadEntry(): { entry: URL | string; eval: boolean } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) {
    const bundled = path.join(path.dirname(here), 'epub-thread.js');
    if (existsSync(bundled)) return { entry: pathToFileURL(bundled), eval: false };
  }
  const source = pathToFileURL(path.join(path.dirname(here), 'epub-thread.ts')).href;
  const tsx = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`, eval: true };
}

function epubThread(): WorkerRequests<EpubReply> {
  if (thread) return thread;
  const { entry, eval: isEval } = threadEntry();
  const fontPort = fontWorkerPort();
  const w = new Worker(entry, { eval: isEval, workerData: { fontPort, timeOrigin: performance.timeOrigin }, transferList: [fontPort] });
  const own = new WorkerRequests<EpubReply>(w);
  // A thread that dies fails what it was asked; the next build starts a new one.
  const fail = (error: unknown) => {
    if (thread === own) thread = null;
    own.failAll(new JuanError('render', `EPUB 线程意外退出：${String(error)}`, { source: 'epub', cause: error }));
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(`exit ${code}`));
  return (thread = own);
}

/** Start the thread now, so that its modules are loaded when the page map is known. */
export function warmEpubThread(): void {
  epubThread();
}

function rebuildError(error: SerializedError): Error {
  const rebuilt = error.juan ? new JuanError(error.juan.kind, error.message, error.juan) : new Error(error.message);
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}

/** renderEpub (index.ts), run in the thread; the cache's hits, misses and writes there are counted in `cache`. */
export async function renderEpubInThread(volume: Volume, pageMap: PageMap | null, options: { cache?: BuildCache } = {}): Promise<Uint8Array> {
  const request: Omit<EpubRequest, 'id'> = { volume, pageMap, cacheDir: options.cache?.dir ?? null, math: typesetMath() };
  const reply = await epubThread().send({ ...request });
  if ('error' in reply) throw rebuildError(reply.error);
  if (options.cache && reply.stats) {
    options.cache.stats.hits += reply.stats.hits;
    options.cache.stats.misses += reply.stats.misses;
    options.cache.stats.writes += reply.stats.writes;
  }
  return reply.data;
}
