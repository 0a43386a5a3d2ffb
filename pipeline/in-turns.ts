/**
 * Long synchronous work on Node's main thread, written as a generator that yields between its
 * steps, and run either at once (`allAtOnce`) or in turns (`inTurns`): after every few
 * milliseconds of work the event loop then runs what waits — Chromium's DevTools messages and
 * the book server's requests.
 *
 * Why: a build reads the manuscript and builds the print HTML while Chromium starts and the
 * layout tabs load their shell, and every step of that waits for a reply from the main thread.
 * Without turns they all waited for the whole read (1× content bench volume, cold: the browser
 * was up at 0.96 s instead of 0.43 s, the tabs had their shell only after the print HTML).
 */
export type Steps<T> = Generator<void, T, void>;

/** Run the steps one after another, without a turn for anything else. */
export function allAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Run the steps, giving the event loop a turn whenever `sliceMs` of them have run since the last. */
export async function inTurns<T>(steps: Steps<T>, sliceMs = 8): Promise<T> {
  let until = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= until) {
      // setImmediate, not a resolved promise: the turn must reach the poll phase (sockets, pipes)
      await new Promise<void>((resolve) => setImmediate(resolve));
      until = performance.now() + sliceMs;
    }
  }
}
