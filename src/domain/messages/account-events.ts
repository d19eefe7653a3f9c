import type { AccountEvent, AccountEventsStore, NewAccountEvent } from '../ports/account-events-store.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { ReceivedMessage } from './inbound-service.js';
import type { MessageStatusListener } from './message-events.js';

export type { AccountEvent } from '../ports/account-events-store.js';

/** How long events are kept: a page that reconnects later reloads instead of replaying. */
export const ACCOUNT_EVENTS_KEPT_MS = 60 * 60 * 1000;

/**
 * Account events: what the web pages of any process show live (a new MO message, an outbound
 * status). They are written where the change is recorded, in its transaction, by the same hooks that
 * queue webhooks (the MessageEvents listeners and InboundService's onReceived): whichever process
 * records the change, every process's pages learn it by reading the table.
 */
export class AccountEventsService {
  constructor(private readonly deps: { readonly store: AccountEventsStore; readonly now: () => number }) {}

  /** The listener for MessageEvents' onSent and onFinal: one insert per recorded batch. */
  readonly recordStatuses: MessageStatusListener = async (events, tx) => {
    const at = this.deps.now();
    await this.deps.store.record(
      tx,
      events.map((e) => ({
        accountId: e.accountId,
        kind: 'status' as const,
        messageId: e.messageId,
        number: e.toNumber,
        status: e.status,
        createdAt: at,
      })),
    );
  };

  /** An MO message was stored in `tx`. */
  recordInbound(message: ReceivedMessage, tx: StoreTransaction): Promise<void> {
    const event: NewAccountEvent = {
      accountId: message.accountId,
      kind: 'mo',
      messageId: message.messageId,
      number: message.from,
      status: 'received',
      createdAt: message.receivedAt,
    };
    return this.deps.store.record(tx, [event]);
  }

  read(afterId: number, gaps: readonly number[], limit: number): Promise<AccountEvent[]> {
    return this.deps.store.read(afterId, gaps, limit);
  }

  latestId(): Promise<number> {
    return this.deps.store.latestId();
  }

  forAccount(accountId: number, afterId: number, limit: number): Promise<AccountEvent[]> {
    return this.deps.store.forAccount(accountId, afterId, limit);
  }

  /** Drops what no page will replay any more; returns how many rows went. */
  prune(): Promise<number> {
    return this.deps.store.prune(this.deps.now() - ACCOUNT_EVENTS_KEPT_MS);
  }
}
