import type { RateCount, RateCounter } from '../../domain/ports/rate-counter.js';

/** Counters kept at most: past it, ended windows are dropped (a sign-in spray cannot grow it forever). */
const SWEEP_ABOVE = 100_000;

/**
 * The rate counters of a SQLite deployment: one process answers the API (SQLite has one writer), so
 * its memory is the shared store and a hit costs no I/O. Counters start again when the process
 * restarts (SECURITY.md says so).
 */
export class MemoryRateCounter implements RateCounter {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();

  constructor(private readonly now: () => number) {}

  hit(key: string, windowMs: number): Promise<RateCount> {
    const at = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= at) {
      if (this.windows.size >= SWEEP_ABOVE) this.sweep(at);
      window = { hits: 0, endsAt: at + windowMs };
      this.windows.set(key, window);
    }
    window.hits++;
    return Promise.resolve({ hits: window.hits, resetInMs: window.endsAt - at });
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  private sweep(at: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= at) this.windows.delete(key);
  }
}
