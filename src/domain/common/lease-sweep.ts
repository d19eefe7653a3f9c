import type { LeasedQueueStore } from '../ports/leased-queue.js';

/**
 * Gives back the rows of workers that died holding them: the queue's expired leases are released at
 * most once every quarter lease (and never more often than every 100 ms), so such a row waits at most about 1.25 leases and an idle worker
 * does not write on every poll.
 */
export class ExpiredLeaseSweep {
  private next = 0;

  constructor(
    private readonly queue: LeasedQueueStore,
    private readonly leaseMs: number,
    /** Told how many rows came back, when some did (a worker died or stalled: worth a warning). */
    private readonly onReleased: (count: number) => void,
  ) {}

  /** Releases expired leases if a quarter lease has passed since the last sweep. */
  async sweep(now: number): Promise<void> {
    if (now < this.next) return;
    const released = await this.queue.releaseExpiredLeases(now);
    if (released > 0) this.onReleased(released);
    this.next = now + Math.max(100, Math.floor(this.leaseMs / 4));
  }
}
