/** One submit_sm waiting to be sent, and the connector's queue of them. */
import type { TransportError } from '../../domain/ports/transports.js';
import type { PduFields } from './smpp-lib.js';

/**
 * A submit_sm to send: its fields without the connector-specific TON/NPI, which the connector that
 * sends it adds. It settles exactly once: with the carrier's message id, or with a TransportError.
 */
export interface SubmitJob {
  readonly fields: PduFields;
  readonly destination: string;
  /** Times a connection was lost while this job awaited its answer (a possible duplicate each). */
  losses: number;
  /** Times the SMSC answered "throttled" or "queue full". */
  throttles: number;
  readonly resolve: (carrierId: string) => void;
  readonly reject: (error: TransportError) => void;
}

/**
 * FIFO with a priority lane for retries (throttled jobs go back before new ones, in their order).
 * An array with a moving head, compacted now and then, so 100,000 queued jobs cost O(1) each.
 */
export class JobQueue {
  private retries: SubmitJob[] = [];
  private items: (SubmitJob | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.retries.length + this.items.length - this.head;
  }

  push(job: SubmitJob): void {
    this.items.push(job);
  }

  pushRetry(job: SubmitJob): void {
    this.retries.push(job);
  }

  shift(): SubmitJob | undefined {
    if (this.retries.length > 0) return this.retries.shift();
    if (this.head >= this.items.length) return undefined;
    const job = this.items[this.head];
    this.items[this.head] = undefined; // let the job be collected
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return job;
  }

  /** Empties the queue, returning its jobs in order. */
  drain(): SubmitJob[] {
    const jobs = [...this.retries, ...this.items.slice(this.head).filter((job) => job !== undefined)];
    this.retries = [];
    this.items = [];
    this.head = 0;
    return jobs;
  }
}
