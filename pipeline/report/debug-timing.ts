/**
 * JUAN_DEBUG_TIMING=1: a timeline of the build's steps on stderr, for whoever tunes it —
 * `[what] step detail  @start → end` in seconds since the process started. Off by default;
 * it is the only output outside the CLI layer, and says nothing an editor needs.
 */
const enabled = Boolean(process.env.JUAN_DEBUG_TIMING);

/** performance.now() counts from the thread's start: in a worker thread, how much later than the process's. */
let shift = 0;
/** In a worker thread: times on the timeline count from `processOrigin` (the main thread's performance.timeOrigin). */
export function alignClock(processOrigin: number): void {
  shift = performance.timeOrigin - processOrigin;
}

/** Log a step that began at `start` (performance.now()) and ends now. */
export function debugTiming(what: string, step: string, start: number): void {
  if (!enabled) return;
  const now = performance.now();
  process.stderr.write(`[${what}] ${step}  @${((start + shift) / 1000).toFixed(2)} → ${((now + shift) / 1000).toFixed(2)} (${Math.round(now - start)} ms)\n`);
}

/** Time an async step. */
export async function timed<T>(what: string, step: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    debugTiming(what, step, start);
  }
}
