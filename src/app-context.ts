import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { AddressBookStore } from './domain/contacts/address-book.js';
import type { BroadcastQueueStore } from './domain/broadcasts/broadcast-fanout.js';
import type { BroadcastStore } from './domain/broadcasts/broadcasts.js';
import type { OutboundStore } from './domain/messages/outbound.js';
import type { ImportStore } from './domain/ports/import-store.js';
import type { QueueStatsReader } from './domain/ports/queue-stats.js';
import type { Store } from './store/database.js';
import type { EmailTransport, SmsTransport, VoiceTransport } from './domain/ports/transports.js';
import type { MessageEvents } from './domain/messages/message-events.js';

/** What the HTTP edge, the CLI and the workers are given by the composition root (main.ts). */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly log: Logger;
  readonly email: EmailTransport;
  readonly addressBook: AddressBookStore;
  readonly sms: SmsTransport;
  readonly voice: VoiceTransport;
  /** send, get_feed, send_email, send_verification: what the API edge asks of the store. */
  readonly outbound: OutboundStore;
  /** Hooks of the outbound path: messages sent, messages final, new rows queued. */
  readonly messageEvents: MessageEvents;
  readonly broadcasts: BroadcastStore;
  /** Fan-out and the receipt hook (`recordBroadcastMessageOutcome`) of broadcast messages. */
  readonly broadcastQueue: BroadcastQueueStore;
  readonly imports: ImportStore;
  /** The queues' depths for the /metrics gauges. */
  readonly queueStats: QueueStatsReader;
  /** The clock, passed in so tests and workers agree on "now" (epoch milliseconds). */
  now(): number;
}
