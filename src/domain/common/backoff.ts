/** How far a delay is spread around its exponential value, as factors of it. */
export interface Jitter {
  readonly low: number;
  readonly high: number;
}

/** ±20 %: many rows failing together (a carrier outage) do not all come back in the same instant. */
export const AROUND = { low: 0.8, high: 1.2 } as const satisfies Jitter;

/** 50–100 %: never past the cap, and reconnects of many workers after a peer restart spread below it. */
export const BELOW = { low: 0.5, high: 1 } as const satisfies Jitter;

/**
 * The one backoff of the platform (queued rows, verification calls, webhooks, SMPP reconnects):
 * exponential from `baseMs` per attempt, capped at `capMs`, then jittered.
 */
export function retryDelayMs(
  attempt: number,
  baseMs = 1_000,
  capMs = 300_000,
  random = Math.random,
  jitter: Jitter = AROUND,
): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (jitter.low + (jitter.high - jitter.low) * random()));
}
