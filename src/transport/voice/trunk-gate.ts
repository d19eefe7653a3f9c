/**
 * A trunk's two limits: calls in progress at most (`max_calls`, the channels the carrier sold) and
 * INVITEs per second (`cps`, its call-attempt rate). A call waits for a free channel in arrival
 * order, then for its INVITE's slot: slots are spaced 1000/cps ms apart, so a burst of calls goes out
 * evenly instead of being refused by the carrier's rate limit.
 */
export class TrunkGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private nextSlot = 0;

  constructor(
    private readonly maxCalls: number,
    private readonly callsPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether a call would get a channel at once (it may still wait for its INVITE slot). */
  get hasFreeChannel(): boolean {
    return this.active < this.maxCalls;
  }

  /**
   * Waits for a channel and an INVITE slot; call `release` once the call has ended. The channel is
   * taken synchronously when one is free, so a caller that checked `hasFreeChannel` just before gets it.
   */
  async acquire(): Promise<{ release: () => void }> {
    if (this.active >= this.maxCalls) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.callsPerSecond;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.shift();
        // The channel passes straight to the next waiting call (active stays the same).
        if (next) next();
        else this.active--;
      },
    };
  }
}
