import type { StoreTransaction } from '../ports/transaction.js';

/** A message's state change, as the dispatcher and the receipt handler record it. */
export interface MessageStatusEvent {
  readonly messageId: number;
  readonly accountId: number;
  readonly broadcastId: number | null;
  readonly toNumber: string;
  readonly status: 'sent' | 'delivered' | 'failed';
  /** The receipt's `<stat>_<err>`, or null (no receipt: a transport rejection, or just sent). */
  readonly detailedStatus: string | null;
  /** The transport's refusal, for a message that failed without a receipt. */
  readonly error: string | null;
}

/**
 * Called inside the transaction that records the change, so whatever the listener writes (a
 * broadcast's completion, a verification's fallback) commits or rolls back with it. A listener that
 * throws rolls the whole batch back; it is retried with the receipt or the dispatch batch. Write
 * through `tx` only (store ports that take it): on SQLite this transaction holds the one writer, so a write through the
 * store's own handle would wait for it forever.
 */
export type MessageStatusListener = (
  events: readonly MessageStatusEvent[],
  tx: StoreTransaction,
) => Promise<void>;

/**
 * What was queued: SMS for the dispatcher, emails for the email dispatcher, verification calls,
 * webhook deliveries for the webhook sender.
 */
export type QueueKind = 'sms' | 'email' | 'call' | 'webhook';

/**
 * The hooks of the outbound path, shared through AppContext:
 * - `onSent`: messages handed to the carrier (status `sent`);
 * - `onFinal`: messages that reached a final state (`delivered` or `failed`, from a receipt or a
 *   permanent transport refusal or too many retries) — broadcasts count these;
 * - `onQueued`: an in-process nudge that new rows are queued, so the worker of that kind wakes at
 *   once instead of at its next poll. Not durable, and not needed for correctness. A broadcast
 *   fan-out calls `notifyQueued()` after committing its messages.
 */
export class MessageEvents {
  private readonly sentListeners: MessageStatusListener[] = [];
  private readonly finalListeners: MessageStatusListener[] = [];
  private readonly queuedListeners: { kind: QueueKind; listener: () => void }[] = [];

  onSent(listener: MessageStatusListener): void {
    this.sentListeners.push(listener);
  }

  onFinal(listener: MessageStatusListener): void {
    this.finalListeners.push(listener);
  }

  onQueued(kind: QueueKind, listener: () => void): void {
    this.queuedListeners.push({ kind, listener });
  }

  /** Runs the listeners for these events inside `tx` (the recording transaction). */
  async emit(events: readonly MessageStatusEvent[], tx: StoreTransaction): Promise<void> {
    if (events.length === 0) return;
    const sent = events.filter((e) => e.status === 'sent');
    const final = events.filter((e) => e.status !== 'sent');
    if (sent.length > 0) for (const listener of this.sentListeners) await listener(sent, tx);
    if (final.length > 0) for (const listener of this.finalListeners) await listener(final, tx);
  }

  /** Tells the worker of that kind that rows were committed as queued. */
  notifyQueued(kind: QueueKind = 'sms'): void {
    for (const entry of this.queuedListeners) if (entry.kind === kind) entry.listener();
  }
}
