import type { FeedFilter, FeedRow, NewEmail, SendCommand, SendOutcome } from '../messages/outbound.js';

/**
 * What the messaging service (send, get_feed, send_email) needs of the store. The store owns the
 * batching of sends (group commit) because a commit is its cost; what becomes of each send is
 * decided in the domain (messages/send-decision.ts) inside that transaction.
 */
export interface MessagesStore {
  /**
   * Decides a send with domain/messages/send-decision.ts on the facts read in its transaction, writes
   * it as `queued` if so decided, and resolves once that is committed.
   */
  enqueueSend(command: SendCommand): Promise<SendOutcome>;
  /** One page of an account's feed, oldest first (created_at, id). */
  listFeed(filter: FeedFilter): Promise<FeedRow[]>;
  /** Queues an outbound email; returns its id. */
  queueEmail(email: NewEmail): Promise<number>;
}
