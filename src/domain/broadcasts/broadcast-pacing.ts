/**
 * The per-account bulk rate (BROADCAST_RATE_PER_ACCOUNT): with a rate of R messages/s, message i of
 * an account's bulk traffic may leave at window start + i/R s. Each account has one "next free
 * slot" in the store, which a batch advances by its window's duration in one atomic update, so
 * concurrent broadcasts of one account share the rate; the dispatcher claims only rows whose
 * next_attempt_at has come, which enforces it. Pure: the store calls it inside the batch's
 * transaction.
 */
export interface PacingPlan {
  /** How far the batch advances the account's next free slot. */
  readonly durationMs: number;
  /** The send time of the batch's message `index`, in a window that starts at `windowStart`. */
  slotAt(windowStart: number, index: number): number;
}

/** The window of `count` dispatchable messages at `ratePerSecond`; null when unpaced (all leave now). */
export function planPacing(count: number, ratePerSecond: number | null): PacingPlan | null {
  if (ratePerSecond === null || count === 0) return null;
  const spacingMs = 1000 / ratePerSecond;
  return {
    durationMs: Math.round(count * spacingMs),
    slotAt: (windowStart, index) => windowStart + Math.floor(index * spacingMs),
  };
}
