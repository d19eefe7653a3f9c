import type { Kysely } from 'kysely';
import type { MessagesStore } from '../../domain/ports/messages-store.js';
import type {
  FeedFilter,
  FeedRow,
  NewEmail,
  SendCommand,
  SendOutcome,
} from '../../domain/messages/outbound.js';
import { insertQueuedEmail } from '../emails/emails-repo.js';
import { listFeed } from './messages-repo.js';
import type { DialectName } from '../database.js';
import type { Database } from '../schema.js';
import { SendQueue } from './send-queue.js';

/**
 * The outbound path on Kysely (domain/ports/messages-store.ts, domain/messages/outbound.ts);
 * `onQueued` is told after sends were committed.
 */
export class OutboundRepo implements MessagesStore {
  private readonly sends: SendQueue;

  constructor(
    private readonly db: Kysely<Database>,
    onQueued: () => void,
    private readonly dialect: DialectName,
    /** Send transactions in flight at once: 1 on SQLite (one writer), a few on PostgreSQL. */
    sendParallel = 1,
  ) {
    this.sends = new SendQueue(db, onQueued, sendParallel);
  }

  enqueueSend(command: SendCommand): Promise<SendOutcome> {
    return this.sends.enqueue(command);
  }

  listFeed(filter: FeedFilter): Promise<FeedRow[]> {
    return listFeed(this.db, filter, this.dialect);
  }

  queueEmail(email: NewEmail): Promise<number> {
    return insertQueuedEmail(this.db, email);
  }
}
