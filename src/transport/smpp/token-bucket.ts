/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. Carriers count submits per second;
 * a small burst (a tenth of a second's worth) keeps any one-second window close to `rate`.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  readonly burst: number;

  constructor(
    readonly rate: number,
    now: number,
    burst = Math.max(1, Math.ceil(rate / 10)),
  ) {
    this.burst = burst;
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0 when one is). */
  msUntilToken(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
    this.updatedAt = now;
  }
}
