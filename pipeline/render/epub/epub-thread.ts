/**
 * The EPUB writer's thread (in-thread.ts starts it): renders the EPUB of a volume and its page
 * map, sent as messages, while the main thread merges the PDFs — on the main thread the two took
 * turns, and the EPUB's ~0.4 s came after the merge in every rebuild.
 *
 *   workerData  { fontPort, timeOrigin }: a port to the process's font worker (fonts decoded
 *               once per process), the main thread's clock origin (JUAN_DEBUG_TIMING)
 *   request     { id, volume, pageMap, cacheDir }  (cacheDir null: no build cache)
 *   reply       { id, data, stats } or { id, error }  (error: a JuanError's fields, or a message)
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Element } from 'hast';
import type { PageMap, Volume } from '../../model/types.ts';
import { BuildCache, flushCacheWrites } from '../../cache/store.ts';
import { alignClock } from '../../report/debug-timing.ts';
import { JuanError } from '../../report/errors.ts';
import { useFontWorkerPort } from '../fonts/subset.ts';
import { renderEpub } from './index.ts';
import { adoptTypesetMath } from '../content/index.ts';

export interface EpubRequest {
  id: number;
  volume: Volume;
  pageMap: PageMap | null;
  cacheDir: string | null;
  /** Formulas the main thread typeset already (content/index.ts typesetMath). */
  math: Array<[string, Element | null]>;
}

export type EpubReply =
  | { id: number; data: Uint8Array; stats: BuildCache['stats'] | null }
  | { id: number; error: SerializedError };

export interface SerializedError {
  message: string;
  stack?: string;
  juan?: { kind: JuanError['kind']; file?: string; line?: number; column?: number; source?: string; hint?: string };
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof JuanError) {
    const { kind, file, line, column, source, hint } = error;
    return { message: error.message, stack: error.stack, juan: { kind, file, line, column, source, hint } };
  }
  return error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) };
}

const { fontPort, timeOrigin } = workerData as { fontPort: MessagePort; timeOrigin: number };
useFontWorkerPort(fontPort);
alignClock(timeOrigin);

parentPort!.on('message', async ({ id, volume, pageMap, cacheDir, math }: EpubRequest) => {
  adoptTypesetMath(math);
  const cache = cacheDir ? new BuildCache(cacheDir) : undefined;
  try {
    const data = await renderEpub(volume, pageMap, { cache });
    await flushCacheWrites(); // the build may end as soon as it has the EPUB
    parentPort!.postMessage({ id, data, stats: cache?.stats ?? null } satisfies EpubReply, [data.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id, error: serializeError(error) } satisfies EpubReply);
  }
});
