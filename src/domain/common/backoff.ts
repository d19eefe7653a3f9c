/**
 * Retry delays for background work: exponential from `baseMs`, capped, with ±20 % jitter so that
 * many rows failing together (a carrier outage) do not all come back in the same instant.
 */
export function retryDelayMs(attempt: number, baseMs = 1_000, capMs = 300_000, random = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
