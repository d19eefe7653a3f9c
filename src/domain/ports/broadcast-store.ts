import type {
  Broadcast,
  BroadcastCounters,
  BroadcastDraft,
  BroadcastMessage,
  BroadcastUpdate,
  ContactLookup,
  GroupLookup,
  QueuedEmail,
  QueuedSms,
  StartOptions,
  StartOutcome,
  TestContact,
} from '../broadcasts/broadcasts.js';
import type { ListPage } from '../broadcasts/broadcast-list-page.js';

/**
 * What BroadcastService (the §7 endpoints and the scheduler) needs of the database. Implemented by
 * src/store/broadcasts/broadcasts-repo.ts; the rules it applies inside its transactions (which
 * recipients a start selects, what a start with nobody to send to becomes) are the domain's
 * functions of broadcast-recipients.ts, which the store calls.
 */
export interface BroadcastStore {
  /** Resolves group references of the account; undefined when one of them does not exist. */
  findGroupIds(accountId: number, refs: readonly GroupLookup[]): Promise<number[] | undefined>;
  insert(accountId: number, draft: BroadcastDraft, now: number): Promise<number>;
  /** Whether the number (digits) is one of the account's sender numbers. */
  isSender(accountId: number, number: string): Promise<boolean>;
  find(accountId: number, id: number): Promise<Broadcast | undefined>;
  /** Newest first. */
  list(accountId: number): Promise<Broadcast[]>;
  /** Replaces the draft while the broadcast is still pending; false when it is not (any more). */
  updatePending(accountId: number, id: number, update: BroadcastUpdate): Promise<boolean>;
  /**
   * Claims the pending broadcast (conditional update: one start only, also across processes),
   * snapshots its recipients (selectRecipients: groups deduplicated, blocked contacts excluded,
   * suppressed numbers get no SMS) and records the totals — one transaction. `no_recipients`
   * leaves it unchanged (API) or failed (scheduler), as startVerdict decides.
   */
  start(accountId: number, id: number, options: StartOptions): Promise<StartOutcome>;
  /** Due scheduled broadcasts: pending with launch_date <= now. */
  dueScheduled(now: number, limit: number): Promise<{ id: number; accountId: number }[]>;
  /** Soft-deletes; queued messages and emails of the broadcast become cancelled. */
  markDeleted(accountId: number, id: number, now: number): Promise<boolean>;
  counters(ids: readonly number[]): Promise<Map<number, BroadcastCounters>>;
  /**
   * One page of each broadcast's messages: ids above `page.afterId` in id order, at most
   * `page.limit + 1` rows (the extra one tells that more follow). Index-backed per broadcast.
   */
  messagesPage(ids: readonly number[], page: ListPage): Promise<Map<number, BroadcastMessage[]>>;
  findContact(accountId: number, lookup: ContactLookup): Promise<TestContact | undefined>;
  /**
   * Queues a test: counted nowhere (no broadcast_id), single-send priority. False, queueing nothing,
   * when it has an SMS and the account no sender number.
   */
  queueTest(
    accountId: number,
    sms: QueuedSms | null,
    email: QueuedEmail | null,
    /** fromNumber: the broadcast's chosen sender (null: the account's first). False: no sender number. */
    options: { readonly defaultMailFrom: string; readonly now: number; readonly fromNumber: string | null },
  ): Promise<boolean>;
}
