/** One work queue as an operator watches it: its backlog and how late its oldest due item is. */
export interface QueueStats {
  readonly queue: 'sms' | 'sms_bulk' | 'email' | 'call' | 'webhook';
  /** Rows waiting for a worker, due or not yet (retries, bulk pacing, scheduled). */
  readonly waiting: number;
  /** Rows a worker holds under a lease right now. */
  readonly held: number;
  /** next_attempt_at of the oldest waiting row (epoch ms), null when none waits. */
  readonly oldestDueAt: number | null;
}

/** Reads every queue's depth from the shared store, so any process reports the whole deployment's. */
export interface QueueStatsReader {
  readQueueStats(): Promise<QueueStats[]>;
}
