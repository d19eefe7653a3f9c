/**
 * Group commit: items submitted while a transaction is being written wait and go together into
 * the next one, so N concurrent requests cost one commit (one fsync) instead of N. Each caller's
 * promise settles only after the transaction holding its item committed.
 *
 * The first item of an idle batcher is written on the next turn of the event loop (setImmediate),
 * after the other requests already read in this turn joined it; while a batch commits, newcomers
 * queue for the next. A failing batch is retried item by item, so one bad item fails alone.
 */
export interface GroupCommitOptions {
  /** Items per transaction, at most (default 1000). */
  readonly maxBatch?: number;
  /**
   * Least time between two transactions (default 0). 0 for work someone waits for (a request); a
   * few ms for background flows (receipts), which then take one commit for many instead of one each.
   */
  readonly lingerMs?: number;
  /**
   * No linger once this many items wait, or the last batch was this large: the flow is heavy, so a
   * batch fills without waiting, and a peer with a bounded window of unanswered items (SMPP
   * deliver_sm) sends nothing more until its items commit, so lingering would only idle both sides.
   */
  readonly lingerBelow?: number;
  /**
   * Transactions in flight at once (default 1): 1 on SQLite (one writer, nothing to gain), a few on
   * PostgreSQL, whose commit is a network round trip and an fsync that other sessions can share.
   */
  readonly parallel?: number;
}

export class GroupCommit<I, O> {
  private pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  /** performance.now() of the last flush: a monotonic clock, so a wall-clock step cannot cut a linger. */
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private lastBatchSize = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly lingerBelow: number;
  private readonly parallel: number;

  constructor(
    /** Writes the items in one transaction; returns one outcome per item, in order. */
    private readonly write: (items: readonly I[]) => Promise<O[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.lingerMs = options.lingerMs ?? 0;
    this.lingerBelow = options.lingerBelow ?? Number.POSITIVE_INFINITY;
    this.parallel = options.parallel ?? 1;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every item submitted so far is written. */
  async drain(): Promise<void> {
    while (this.running.size > 0 || this.pending.length > 0 || this.scheduled) {
      if (this.running.size > 0) await Promise.all(this.running);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.running.size >= this.parallel) return;
    if (this.scheduled) {
      // A lingering batch that became heavy goes at once.
      if (this.lingerTimer && this.pending.length >= this.lingerBelow) {
        clearTimeout(this.lingerTimer);
        this.lingerTimer = undefined;
        setImmediate(() => this.run());
      }
      return;
    }
    this.scheduled = true;
    const heavy = this.pending.length >= this.lingerBelow || this.lastBatchSize >= this.lingerBelow;
    const wait = heavy ? 0 : this.lastFlushAt + this.lingerMs - performance.now();
    if (wait > 0) this.lingerTimer = setTimeout(() => this.run(), wait);
    else setImmediate(() => this.run());
  }

  private run(): void {
    this.lingerTimer = undefined;
    this.scheduled = false;
    this.lastFlushAt = performance.now();
    const flight: Promise<void> = this.flush().finally(() => {
      this.running.delete(flight);
      if (this.pending.length > 0) this.schedule();
    });
    this.running.add(flight);
    // More than one batch waiting and room for another transaction: start it too.
    if (this.pending.length > 0) this.schedule();
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0, this.maxBatch);
    this.lastBatchSize = batch.length;
    if (batch.length === 0) return;
    try {
      settle(batch, await this.write(batch.map((entry) => entry.item)));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const entry of batch) {
        try {
          settle([entry], await this.write([entry.item]));
        } catch (itemError) {
          entry.reject(itemError);
        }
      }
    }
  }
}

function settle<O>(
  entries: readonly { resolve: (value: O) => void; reject: (error: unknown) => void }[],
  outcomes: readonly O[],
): void {
  // A writer that returns the wrong number of outcomes is a bug: fail its callers, never guess.
  const mismatch = outcomes.length !== entries.length;
  entries.forEach((entry, i) => {
    const outcome = outcomes[i];
    if (mismatch || outcome === undefined)
      entry.reject(new Error('group commit: expected one outcome per item'));
    else entry.resolve(outcome);
  });
}
