import type { Transaction } from 'kysely';
import { toStoreTransaction } from '../store/transaction.js';
import type { Logger } from 'pino';
import { retryDelayMs } from '../domain/common/backoff.js';
import { carrierIdKeys } from '../domain/sms/carrier-id.js';
import {
  detailedStatus,
  normaliseErrCode,
  receiptOutcome,
  RETRY_CODES,
  SUPPRESS_CODES,
} from '../domain/messages/receipt-status.js';
import type { Store } from '../store/database.js';
import { GroupCommit } from '../store/queue/group-commit.js';
import {
  deleteUnmatchedReceipts,
  findPartsByKeys,
  finishMessages,
  claimUnmatchedReceipts,
  insertUnmatchedReceipts,
  listParts,
  lockMessages,
  purgeUnmatchedReceipts,
  requeueAfterReceipt,
  suppressNumbers,
  updateParts,
  type PartCandidate,
  type PartUpdate,
} from '../store/messages/receipts-repo.js';
import type { Database } from '../store/schema.js';
import type { DeliveryReceipt } from '../domain/ports/transports.js';
import type { MessageEvents, MessageStatusEvent } from '../domain/messages/message-events.js';
import { sleep, type Worker } from './worker.js';

export interface ReceiptHandlerDeps {
  readonly store: Store;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  /** Re-sends after a "Réessayer plus tard" receipt; 0 = never. */
  readonly receiptRetries: number;
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
const UNMATCHED_KEEP_MS = 7 * 24 * 60 * 60 * 1000;
const UNMATCHED_PURGE_EVERY_MS = 60_000;
/** Unmatched receipts per transaction of a sweep, and pages per sweep at most. */
const UNMATCHED_PAGE = 1000;
const UNMATCHED_MAX_PAGES = 20;
const RECEIPT_RETRY_BASE_MS = 60_000;
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
 * The receipt handler (SmsTransportHandlers.onReceipt): matches each receipt to its part by carrier
 * id (every hex/decimal reading of it), stores `stat`/`err`, and sets the message `delivered`
 * (DELIVRD/ACCEPTD; a multi-part message when all its parts are) or `failed` (EXPIRED, UNDELIV,
 * UNKNOWN, REJECTD) with `detailed_status` `<stat>_<err>`. "Supprimer ce destinataire" codes put the
 * number on the account's suppression list. Receipts arriving together are written in one
 * transaction, and the transport's promise resolves once it committed.
 *
 * A receipt can beat the dispatcher's record of the submit; it is kept in `unmatched_receipts`
 * and this worker's loop applies it once the part exists.
 */
export class ReceiptHandler implements Worker {
  readonly name = 'receipt-handler';
  private readonly batcher: GroupCommit<DeliveryReceipt, null>;
  private running: Promise<void> | undefined;
  private stopping = new AbortController();
  /** New parts were recorded, or we just started: unmatched receipts may match now. */
  private partsRecorded = true;
  /** Retried messages went back in the queue: wake the dispatcher once the transaction committed. */
  private requeued = false;
  /** When the last early receipt was kept in `unmatched_receipts`. */
  private lastUnmatchedAt = 0;
  private nextPurgeAt = 0;

  constructor(private readonly deps: ReceiptHandlerDeps) {
    this.batcher = new GroupCommit((receipts) => this.write(receipts), {
      maxBatch: RECEIPT_BATCH,
      lingerMs: RECEIPT_LINGER_MS,
      lingerBelow: RECEIPT_NO_LINGER_AT,
    });
    deps.events.onSent(async () => {
      this.partsRecorded = true;
    });
  }

  /** SmsTransportHandlers.onReceipt. */
  async handle(receipt: DeliveryReceipt): Promise<void> {
    await this.batcher.submit(receipt);
  }

  start(): void {
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.running ??= this.sweepLoop().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    await this.batcher.drain();
  }

  /**
   * Applies the unmatched receipts whose part has been recorded since (by this process or another);
   * forgets week-old ones. Pages through them newest first, one transaction a page, so a backlog
   * larger than a page is worked off in one sweep; on PostgreSQL each page's rows are locked and
   * other workers' pages skipped, so concurrent sweeps share the backlog rather than repeat it.
   */
  async sweepUnmatched(): Promise<number> {
    const { db, dialect } = this.deps.store;
    this.partsRecorded = false;
    // A week's retention needs no check every 50 ms, and the check scans the table.
    if (this.deps.now() >= this.nextPurgeAt) {
      this.nextPurgeAt = this.deps.now() + UNMATCHED_PURGE_EVERY_MS;
      const purged = await purgeUnmatchedReceipts(db, this.deps.now() - UNMATCHED_KEEP_MS);
      if (purged > 0)
        this.deps.log.warn({ purged }, 'receipts: forgot receipts that matched no message in 7 days');
    }
    let matched = 0;
    let beforeId: number | undefined;
    for (let page = 0; page < UNMATCHED_MAX_PAGES; page++) {
      const swept = await db
        .transaction()
        .execute(async (trx) => {
          const rows = await claimUnmatchedReceipts(trx, dialect, {
            limit: UNMATCHED_PAGE,
            ...(beforeId === undefined ? {} : { beforeId }),
          });
          const receipts = rows.map((r) => ({
            carrierId: r.carrier_id,
            stat: r.stat,
            err: r.err,
            ...(r.done_at === null ? {} : { doneAt: r.done_at }),
          }));
          const unmatched = new Set(receipts.length === 0 ? [] : await this.apply(trx, receipts));
          const matchedIds = rows.filter((_r, i) => !unmatched.has(i)).map((r) => r.id);
          await deleteUnmatchedReceipts(trx, matchedIds);
          return { rows: rows.length, matched: matchedIds.length, lastId: rows.at(-1)?.id };
        })
        .finally(() => this.wakeDispatcherIfRequeued());
      matched += swept.matched;
      if (swept.rows < UNMATCHED_PAGE || swept.lastId === undefined) break;
      beforeId = swept.lastId;
    }
    return matched;
  }

  private wakeDispatcherIfRequeued(): void {
    if (!this.requeued) return;
    this.requeued = false;
    this.deps.events.notifyQueued();
  }

  private async sweepLoop(): Promise<void> {
    const signal = this.stopping.signal;
    let lastSweep = 0;
    let busy = false;
    while (!signal.aborted) {
      await sleep(busy ? UNMATCHED_BUSY_SWEEP_MS : UNMATCHED_SWEEP_MS, signal);
      busy = false;
      // The "parts recorded" news comes from inside the recording transaction, which may not have
      // committed when the sweep runs: the idle sweep catches what such a race leaves behind.
      const idle = Date.now() - lastSweep >= UNMATCHED_IDLE_SWEEP_MS;
      const recent = Date.now() - this.lastUnmatchedAt < UNMATCHED_RECENT_MS;
      if (signal.aborted || (!this.partsRecorded && !idle && !recent)) continue;
      lastSweep = Date.now();
      try {
        const matched = await this.sweepUnmatched();
        busy = matched > 0;
        if (matched > 0) this.deps.log.debug({ matched }, 'receipts: early receipts matched their parts');
      } catch (error) {
        this.deps.log.error({ err: error }, 'receipts: sweeping unmatched receipts failed');
      }
    }
  }

  private async write(receipts: readonly DeliveryReceipt[]): Promise<null[]> {
    const now = this.deps.now();
    let unmatchedCount = 0;
    await this.deps.store.db.transaction().execute(async (trx) => {
      const unmatched = await this.apply(trx, receipts);
      unmatchedCount = unmatched.length;
      if (unmatched.length > 0) {
        await insertUnmatchedReceipts(
          trx,
          unmatched.flatMap((i) => receipts[i] ?? []),
          now,
        );
      }
    });
    if (unmatchedCount > 0) this.lastUnmatchedAt = Date.now();
    this.wakeDispatcherIfRequeued();
    return receipts.map(() => null);
  }

  /** Applies receipts inside `trx`; returns the indexes of those that matched no part. */
  private async apply(trx: Transaction<Database>, receipts: readonly DeliveryReceipt[]): Promise<number[]> {
    const now = this.deps.now();
    const keyLists = receipts.map((r) => carrierIdKeys(r.carrierId));
    const candidates = await findPartsByKeys(trx, keyLists.flat());
    const byKey = new Map<string, PartCandidate[]>();
    for (const part of candidates) {
      const list = byKey.get(part.carrier_key ?? '') ?? [];
      list.push(part);
      byKey.set(part.carrier_key ?? '', list);
    }
    const unmatched: number[] = [];
    // Per part, the last receipt of the batch wins.
    const matched = new Map<string, { part: PartCandidate; update: PartUpdate }>();
    receipts.forEach((receipt, i) => {
      const part = pickPart(keyLists[i] ?? [], byKey);
      if (!part) return void unmatched.push(i);
      const outcome = receiptOutcome(receipt.stat);
      if (outcome === 'pending' && part.part_status !== 'sent') return;
      matched.set(`${part.message_id}:${part.seq}`, {
        part,
        update: {
          messageId: part.message_id,
          seq: part.seq,
          status: outcome === 'pending' ? 'sent' : outcome,
          stat: receipt.stat.trim().toUpperCase(),
          err: normaliseErrCode(receipt.err),
          doneAt: receipt.doneAt ?? now,
        },
      });
    });
    if (matched.size === 0) return unmatched;
    const multiPart = [...matched.values()]
      .filter((m) => m.part.part_count > 1)
      .map((m) => m.part.message_id);
    await lockMessages(trx, this.deps.store.dialect, multiPart);
    await updateParts(
      trx,
      [...matched.values()].map((m) => m.update),
    );
    await this.settleMessages(trx, [...matched.values()], now);
    return unmatched;
  }

  /** Decides each touched message's state from its parts and records the final ones. */
  private async settleMessages(
    trx: Transaction<Database>,
    matched: readonly { part: PartCandidate; update: PartUpdate }[],
    now: number,
  ): Promise<void> {
    const awaiting = matched.filter((m) => m.part.message_status === 'sent' && m.update.status !== 'sent');
    const multiPart = [
      ...new Set(awaiting.filter((m) => m.part.part_count > 1).map((m) => m.part.message_id)),
    ];
    const partsByMessage = new Map<number, { status: string; stat: string | null; err: string | null }[]>();
    for (const part of await listParts(trx, multiPart)) {
      partsByMessage.set(part.message_id, [...(partsByMessage.get(part.message_id) ?? []), part]);
    }
    const finals = new Map<number, { id: number; status: 'delivered' | 'failed'; detailedStatus: string }>();
    const messages = new Map<number, PartCandidate>();
    for (const { part, update } of awaiting) {
      messages.set(part.message_id, part);
      const parts = part.part_count > 1 ? (partsByMessage.get(part.message_id) ?? []) : [update];
      const failedPart = parts.find((p) => p.status === 'failed');
      const detailed = (p: { stat: string | null; err: string | null }) =>
        detailedStatus(p.stat ?? '', p.err ?? '');
      if (failedPart) {
        finals.set(part.message_id, {
          id: part.message_id,
          status: 'failed',
          detailedStatus: detailed(failedPart),
        });
      } else if (parts.length >= part.part_count && parts.every((p) => p.status === 'delivered')) {
        finals.set(part.message_id, {
          id: part.message_id,
          status: 'delivered',
          detailedStatus: detailed(update),
        });
      }
    }
    const retried = new Set<number>();
    for (const final of finals.values()) {
      const message = messages.get(final.id);
      const err = final.detailedStatus.slice(-3);
      if (!message || final.status !== 'failed' || !RETRY_CODES.has(err)) continue;
      if (message.attempts > this.deps.receiptRetries) continue;
      const nextAt = now + retryDelayMs(message.attempts, RECEIPT_RETRY_BASE_MS);
      if (await requeueAfterReceipt(trx, final.id, final.detailedStatus, nextAt)) retried.add(final.id);
    }
    const changed = await finishMessages(
      trx,
      [...finals.values()].filter((f) => !retried.has(f.id)),
      now,
    );
    const events: MessageStatusEvent[] = [];
    const suppress: { accountId: number; number: string; reason: string }[] = [];
    for (const final of finals.values()) {
      const message = messages.get(final.id);
      if (!message || !changed.has(final.id)) continue;
      events.push({
        messageId: final.id,
        accountId: message.account_id,
        broadcastId: message.broadcast_id,
        toNumber: message.to_number,
        status: final.status,
        detailedStatus: final.detailedStatus,
        error: null,
      });
      if (final.status === 'failed' && SUPPRESS_CODES.has(final.detailedStatus.slice(-3)))
        suppress.push({
          accountId: message.account_id,
          number: message.to_number,
          reason: final.detailedStatus,
        });
    }
    await suppressNumbers(trx, suppress, now);
    if (retried.size > 0) this.requeued = true;
    await this.deps.events.emit(events, toStoreTransaction(trx));
  }
}

/** The part a receipt is about: one still awaiting a receipt first, then by reading, then newest. */
function pickPart(
  keys: readonly string[],
  byKey: ReadonlyMap<string, PartCandidate[]>,
): PartCandidate | undefined {
  const ordered = keys.flatMap((key) =>
    [...(byKey.get(key) ?? [])].sort((a, b) => b.message_id - a.message_id),
  );
  return ordered.find((p) => p.part_status === 'sent') ?? ordered[0];
}
