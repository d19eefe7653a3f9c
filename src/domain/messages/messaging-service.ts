import { recipientBlocked, noSenderNumber, unknownSender } from '../errors.js';
import type { MessagesStore } from '../ports/messages-store.js';
import type { EmailRequest } from './outbound-email.js';
import type { FeedQuery } from './feed.js';
import type { MessageEvents } from './message-events.js';
import type { FeedRow, SendOutcome } from './outbound.js';
import type { SendRequest } from './send-request.js';

export interface MessagingServiceDeps {
  readonly store: MessagesStore;
  /** Wakes the email dispatcher once an email is queued. */
  readonly events: Pick<MessageEvents, 'notifyQueued'>;
  readonly now: () => number;
  /** The From of an account's emails when the account has no address of its own. */
  readonly mailFrom: string;
}

/** The account a request is made for, as far as messaging is concerned. */
export interface MessagingAccount {
  readonly id: number;
  readonly mailFrom: string | null;
}

/**
 * The API's messages (contract §3.1–3.3): `send`, `get_feed`, `send_email`, for any edge (the HTTP
 * API today, the web platform next) once it has read its parameters (send-request.ts, feed.ts,
 * outbound-email.ts). What becomes of a send is decided in send-decision.ts, in the store's
 * transaction; this service turns a refusal into the contract's error.
 */
export class MessagingService {
  constructor(private readonly deps: MessagingServiceDeps) {}

  /** Queues an SMS (or answers the earlier one of its idempotency key); resolves once committed. */
  async send(accountId: number, request: SendRequest): Promise<Extract<SendOutcome, { id: number }>> {
    const outcome = await this.deps.store.enqueueSend({ accountId, acceptedAt: this.deps.now(), ...request });
    if (outcome.kind === 'unknown_sender') throw unknownSender();
    if (outcome.kind === 'no_sender') throw noSenderNumber();
    if (outcome.kind === 'blocked') throw recipientBlocked();
    return outcome;
  }

  /** One page of the account's messages, oldest first. */
  feed(accountId: number, query: FeedQuery): Promise<FeedRow[]> {
    return this.deps.store.listFeed({
      accountId,
      direction: query.direction,
      startAt: query.startAt,
      sinceId: query.sinceId,
      limit: query.limit,
    });
  }

  /** Queues an email from the account's address (or the platform's); returns its id. */
  async sendEmail(account: MessagingAccount, email: EmailRequest): Promise<number> {
    const id = await this.deps.store.queueEmail({
      accountId: account.id,
      kind: 'api',
      from: account.mailFrom ?? this.deps.mailFrom,
      to: email.to,
      subject: email.subject,
      body: email.body,
      format: email.format,
      acceptedAt: this.deps.now(),
    });
    this.deps.events.notifyQueued('email');
    return id;
  }
}
