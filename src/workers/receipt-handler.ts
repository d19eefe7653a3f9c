import { GroupCommit } from '../domain/common/group-commit.js';
import type { MessageEvents } from '../domain/messages/message-events.js';
import type { ReceiptService } from '../domain/messages/receipt-service.js';
import type { Logger } from '../domain/ports/logger.js';
import type { DeliveryReceipt } from '../domain/ports/transports.js';
import { PollingWorker } from './polling-worker.js';
import type { Worker } from './worker.js';

export interface ReceiptHandlerDeps {
  readonly service: ReceiptService;
  readonly events: MessageEvents;
  readonly log: Logger;
}

const UNMATCHED_SWEEP_MS = 1_000;
/**
 * While sweeps keep matching, the next comes this soon: at high volume most receipts beat the record
 * of their submit (the SMSC answers both within a millisecond), so every one goes through here.
 */
const UNMATCHED_BUSY_SWEEP_MS = 50;
/** Without news of recorded parts, unmatched receipts are still looked at this often. */
const UNMATCHED_IDLE_SWEEP_MS = 30_000;
/**
 * After an early receipt was kept, sweep every UNMATCHED_SWEEP_MS for this long whatever the news:
 * its part's "recorded" news may have come (and been consumed by a sweep) before the receipt's own
 * transaction committed, and the receipt would otherwise wait for the idle sweep.
 */
const UNMATCHED_RECENT_MS = 10_000;
/** Receipts wait up to this long to share a transaction: one commit for many at high volume. */
const RECEIPT_LINGER_MS = 20;
/**
 * Receipts per transaction. SQLite has one writer: a transaction of 1000 receipts held it for tens
 * of ms, which a single `send` queued behind had to wait; 250 keeps that short at a few more commits.
 */
const RECEIPT_BATCH = 250;
/**
 * With this many receipts waiting (or the last batch this large) the next batch goes without the
 * linger: an SMSC keeps a bounded window of unanswered deliver_sm (often 10 to 100) and is answered
 * only after our commit, so at volume the linger would cap receipts at a window per linger.
 */
const RECEIPT_NO_LINGER_AT = 32;

/**
 * The receipt handler (SmsTransportHandlers.onReceipt): receipts arriving together go to the
 * ReceiptService in one transaction (group commit), and the transport's promise resolves once it
 * committed. Its loop sweeps the receipts that beat the record of their submit (kept unmatched)
 * once news of recorded parts comes (MessageEvents.onSent), soon again while sweeps keep matching,
 * and every 30 s whatever the news.
 */
export class ReceiptHandler implements Worker {
  readonly name = 'receipt-handler';
  private readonly batcher: GroupCommit<DeliveryReceipt, null>;
  private readonly loop: PollingWorker;
  /** New parts were recorded, or we just started: unmatched receipts may match now. */
  private partsRecorded = true;
  /** When the last early receipt was kept as unmatched. */
  private lastUnmatchedAt = 0;
  private lastSweep = 0;
  /** The first sweep comes a period after start, as every later one does. */
  private started = false;

  constructor(private readonly deps: ReceiptHandlerDeps) {
    this.batcher = new GroupCommit((receipts) => this.write(receipts), {
      maxBatch: RECEIPT_BATCH,
      lingerMs: RECEIPT_LINGER_MS,
      lingerBelow: RECEIPT_NO_LINGER_AT,
    });
    deps.events.onSent(async () => {
      this.partsRecorded = true;
      // Early receipts are waiting for exactly this news: sweep now rather than at the next period
      // (up to UNMATCHED_SWEEP_MS, which at the end of a burst is the last receipts' whole delay).
      if (Date.now() - this.lastUnmatchedAt < UNMATCHED_RECENT_MS) this.loop.wake();
    });
    this.loop = new PollingWorker(this.name, deps.log, () => this.tick(), UNMATCHED_SWEEP_MS);
  }

  /** SmsTransportHandlers.onReceipt. */
  async handle(receipt: DeliveryReceipt): Promise<void> {
    await this.batcher.submit(receipt);
  }

  start(): void {
    this.loop.start();
  }

  /** Ends the sweeps; the receipts already handed in are still written (drain). */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.batcher.drain();
  }

  /** Applies the kept receipts whose part has been recorded since; returns how many matched. */
  sweepUnmatched(): Promise<number> {
    this.partsRecorded = false;
    return this.deps.service.sweepUnmatched();
  }

  /** Sweeps when there is news (or it is time anyway); returns the wait before the next look. */
  private async tick(): Promise<number> {
    if (!this.started) {
      this.started = true;
      return UNMATCHED_SWEEP_MS;
    }
    // The "parts recorded" news comes from inside the recording transaction, which may not have
    // committed when the sweep runs: the idle sweep catches what such a race leaves behind.
    const idle = Date.now() - this.lastSweep >= UNMATCHED_IDLE_SWEEP_MS;
    const recent = Date.now() - this.lastUnmatchedAt < UNMATCHED_RECENT_MS;
    if (!this.partsRecorded && !idle && !recent) return UNMATCHED_SWEEP_MS;
    this.lastSweep = Date.now();
    let matched = 0;
    try {
      matched = await this.sweepUnmatched();
      if (matched > 0) this.deps.log.debug({ matched }, 'receipts: early receipts matched their parts');
    } catch (error) {
      this.deps.log.error({ err: error }, 'receipts: sweeping unmatched receipts failed');
    }
    return matched > 0 ? UNMATCHED_BUSY_SWEEP_MS : UNMATCHED_SWEEP_MS;
  }

  private async write(receipts: readonly DeliveryReceipt[]): Promise<null[]> {
    const unmatched = await this.deps.service.applyReceipts(receipts);
    if (unmatched > 0) this.lastUnmatchedAt = Date.now();
    return receipts.map(() => null);
  }
}
