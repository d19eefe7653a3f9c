import { retryDelayMs } from '../common/backoff.js';
import { consentEntries } from '../consent/consent.js';
import type { ConsentRecorder } from '../ports/consent-log.js';
import type { Logger } from '../ports/logger.js';
import type {
  FinalState,
  PartCandidate,
  PartState,
  ReceiptStore,
  Suppression,
} from '../ports/receipt-store.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { DeliveryReceipt } from '../ports/transports.js';
import type { MessageEvents, MessageStatusEvent } from './message-events.js';
import {
  awaitingSettlement,
  matchReceipts,
  multiPartMessages,
  receiptKeys,
  retriesAfterReceipt,
  settle,
  suppresses,
} from './receipt-rules.js';

const UNMATCHED_KEEP_MS = 7 * 24 * 60 * 60 * 1000;
const UNMATCHED_PURGE_EVERY_MS = 60_000;
/** Unmatched receipts per transaction of a sweep, and pages per sweep at most. */
const UNMATCHED_PAGE = 1000;
const UNMATCHED_MAX_PAGES = 20;
const RECEIPT_RETRY_BASE_MS = 60_000;

export interface ReceiptServiceDeps {
  readonly store: ReceiptStore;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  /** Re-sends after a "Réessayer plus tard" receipt; 0 = never. */
  readonly receiptRetries: number;
  /** CASL: a number the carrier has us suppress is logged as a withdrawal (source `carrier`). */
  readonly consent?: ConsentRecorder;
}

/**
 * Delivery receipts, from the carrier to the message's final state: each receipt is matched to its
 * part by carrier id (every hex/decimal reading of it), stores `stat`/`err`, and settles the message
 * `delivered` (DELIVRD/ACCEPTD; a multi-part message when all its parts are) or `failed` (EXPIRED,
 * UNDELIV, UNKNOWN, REJECTD) with `detailed_status` `<stat>_<err>`, emitting the final events in the
 * same transaction. "Réessayer plus tard" failures go back in the queue while re-sends are left;
 * "Supprimer ce destinataire" ones put the number on the account's suppression list.
 *
 * A receipt can beat the dispatcher's record of the submit: it is kept as unmatched and applied by
 * a later sweep, once its part exists (rules in receipt-rules.ts).
 */
export class ReceiptService {
  /** Retried messages went back in the queue: wake the dispatcher once the transaction committed. */
  private requeued = false;
  private nextPurgeAt = 0;

  constructor(private readonly deps: ReceiptServiceDeps) {}

  /** Applies a batch of receipts in one transaction, keeping the unmatched; returns how many were. */
  async applyReceipts(receipts: readonly DeliveryReceipt[]): Promise<number> {
    const { store } = this.deps;
    const now = this.deps.now();
    const unmatchedCount = await store.transaction(async (tx) => {
      const unmatched = await this.apply(tx, receipts);
      if (unmatched.length > 0) {
        await store.insertUnmatchedReceipts(
          tx,
          unmatched.flatMap((i) => receipts[i] ?? []),
          now,
        );
      }
      return unmatched.length;
    });
    this.wakeDispatcherIfRequeued();
    return unmatchedCount;
  }

  /**
   * Applies the unmatched receipts whose part has been recorded since (by this process or another);
   * forgets week-old ones. Pages through them newest first, one transaction a page, so a backlog
   * larger than a page is worked off in one sweep; on PostgreSQL each page's rows are locked and
   * other workers' pages skipped, so concurrent sweeps share the backlog rather than repeat it.
   * Returns how many matched.
   */
  async sweepUnmatched(): Promise<number> {
    const { store } = this.deps;
    // A week's retention needs no check every 50 ms, and the check scans the table.
    if (this.deps.now() >= this.nextPurgeAt) {
      this.nextPurgeAt = this.deps.now() + UNMATCHED_PURGE_EVERY_MS;
      const purged = await store.purgeUnmatchedReceipts(this.deps.now() - UNMATCHED_KEEP_MS);
      if (purged > 0)
        this.deps.log.warn({ purged }, 'receipts: forgot receipts that matched no message in 7 days');
    }
    let matched = 0;
    let beforeId: number | undefined;
    for (let page = 0; page < UNMATCHED_MAX_PAGES; page++) {
      const swept = await store
        .transaction(async (tx) => {
          const rows = await store.claimUnmatchedReceipts(tx, {
            limit: UNMATCHED_PAGE,
            ...(beforeId === undefined ? {} : { beforeId }),
          });
          const receipts = rows.map((r) => ({
            carrierId: r.carrier_id,
            stat: r.stat,
            err: r.err,
            ...(r.done_at === null ? {} : { doneAt: r.done_at }),
          }));
          const unmatched = new Set(receipts.length === 0 ? [] : await this.apply(tx, receipts));
          const matchedIds = rows.filter((_r, i) => !unmatched.has(i)).map((r) => r.id);
          await store.deleteUnmatchedReceipts(tx, matchedIds);
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

  /** Applies receipts inside `tx`; returns the indexes of those that matched no part. */
  private async apply(tx: StoreTransaction, receipts: readonly DeliveryReceipt[]): Promise<number[]> {
    const { store } = this.deps;
    const now = this.deps.now();
    const keyLists = receiptKeys(receipts);
    const candidates = await store.findPartsByKeys(tx, keyLists.flat());
    const { matched, unmatched } = matchReceipts(receipts, keyLists, candidates, now);
    if (matched.length === 0) return unmatched;
    await store.lockMessages(tx, multiPartMessages(matched));
    await store.updateParts(
      tx,
      matched.map((m) => m.update),
    );
    const awaiting = awaitingSettlement(matched);
    const partsByMessage = new Map<number, PartState[]>();
    for (const part of await store.listParts(tx, multiPartMessages(awaiting))) {
      partsByMessage.set(part.message_id, [...(partsByMessage.get(part.message_id) ?? []), part]);
    }
    const messages = new Map<number, PartCandidate>(awaiting.map((m) => [m.part.message_id, m.part]));
    await this.recordFinals(tx, settle(awaiting, partsByMessage), messages, now);
    return unmatched;
  }

  /** Re-queues the retried, records the other final states, suppresses numbers, emits the events. */
  private async recordFinals(
    tx: StoreTransaction,
    finals: ReadonlyMap<number, FinalState>,
    messages: ReadonlyMap<number, PartCandidate>,
    now: number,
  ): Promise<void> {
    const { store } = this.deps;
    const retried = new Set<number>();
    for (const final of finals.values()) {
      const message = messages.get(final.id);
      if (!message || !retriesAfterReceipt(final, message.attempts, this.deps.receiptRetries)) continue;
      const nextAt = now + retryDelayMs(message.attempts, RECEIPT_RETRY_BASE_MS);
      if (await store.requeueAfterReceipt(tx, final.id, final.detailedStatus, nextAt)) retried.add(final.id);
    }
    const changed = await store.finishMessages(
      tx,
      [...finals.values()].filter((f) => !retried.has(f.id)),
      now,
    );
    const events: MessageStatusEvent[] = [];
    const suppress: Suppression[] = [];
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
      if (suppresses(final))
        suppress.push({
          accountId: message.account_id,
          number: message.to_number,
          reason: final.detailedStatus,
        });
    }
    const suppressed = await store.suppressNumbers(tx, suppress, now);
    if (this.deps.consent && suppressed.length > 0)
      await this.deps.consent.record(
        suppressed.flatMap((s) => carrierWithdrawal(s, now)),
        tx,
      );
    if (retried.size > 0) this.requeued = true;
    await this.deps.events.emit(events, tx);
  }
}

/** A number the carrier reported undeliverable or blacklisted (303, 304…), as the consent log keeps it. */
function carrierWithdrawal(suppression: Suppression, at: number) {
  return consentEntries(
    suppression.accountId,
    { number: suppression.number, email: null },
    {
      action: 'withdrawn',
      type: 'express',
      at,
      source: 'carrier',
      evidence: `carrier receipt ${suppression.reason}`,
    },
  );
}
