import { debugTiming } from '../report/debug-timing.ts';

/** Per-stage wall-clock timings for report.json (never asserted in tests). */
export class Stopwatch {
  readonly timings: Record<string, number> = {};

  time<T>(stage: string, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  async timeAsync<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  private add(stage: string, ms: number): void {
    debugTiming('stage', stage, performance.now() - ms);
    this.timings[stage] = Math.round((this.timings[stage] ?? 0) + ms);
  }
}
