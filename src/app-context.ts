import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { AccountsService } from './domain/accounts/accounts-service.js';
import type { UsersService } from './domain/users/users-service.js';
import type { AddressBookService } from './domain/contacts/address-book-service.js';
import type { CaslFooterSettings } from './domain/consent/casl-footer-settings.js';
import type { ConsentService } from './domain/consent/consent-service.js';
import type { SuppressionService } from './domain/consent/suppression-service.js';
import type { BroadcastService } from './domain/broadcasts/broadcast-service.js';
import type { InboundService } from './domain/messages/inbound-service.js';
import type { MessagingService } from './domain/messages/messaging-service.js';
import type { MessageHistoryService } from './domain/messages/message-history-service.js';
import type { ImportService } from './domain/imports/import-service.js';
import type { QueueStatsReader } from './domain/ports/queue-stats.js';
import type { RateCounter } from './domain/ports/rate-counter.js';
import type { EmailTransport, SmsTransport, VoiceTransport } from './domain/ports/transports.js';
import type { MessageEvents } from './domain/messages/message-events.js';
import type { AccountEventsService } from './domain/messages/account-events.js';
import type { InboxService } from './domain/messages/inbox-service.js';
import type { VerificationService } from './domain/verification/verification-service.js';
import type { WebhookService } from './domain/webhooks/webhook-service.js';
import type { KeywordService } from './domain/keywords/keyword-service.js';
import type { UsageService } from './domain/usage/usage-service.js';

/**
 * What the HTTP edge is given by the composition root (main.ts): services, transports and the clock;
 * never the store, which only the composition root opens and hands to the repositories.
 */
export interface AppContext {
  readonly config: Config;
  readonly log: Logger;
  readonly email: EmailTransport;
  /** Accounts, sender numbers and API keys; the authentication of every API call. */
  readonly accounts: AccountsService;
  /** The web platform's users: invitations, sign-in and sessions, password resets, roles. */
  readonly users: UsersService;
  /** Contacts and groups (contract §4, §5). */
  readonly addressBook: AddressBookService;
  /** CASL: the consent log (get_consent, its CSV export, the account's default consent type). */
  readonly consent: ConsentService;
  /** CASL: the suppression list with its history (get/post/delete_suppression, the CLI). */
  readonly suppressions: SuppressionService;
  /** CASL: the account's footer of commercial broadcasts (its setting; the CLI and pages change it). */
  readonly caslFooter: CaslFooterSettings;
  readonly sms: SmsTransport;
  readonly voice: VoiceTransport;
  /** send, get_feed, send_email. */
  readonly messaging: MessagingService;
  /** The web's messages view and dashboard: filtered pages, CSV export, counts per period. */
  readonly messageHistory: MessageHistoryService;
  /** Inbound SMS (MO): routing, opt-out keywords, `mo` webhooks. */
  readonly inbound: InboundService;
  /** Hooks of the outbound path: messages sent, messages final, new rows queued. */
  readonly messageEvents: MessageEvents;
  /** What changed for an account (MO received, outbound status), through the database: live pages. */
  readonly accountEvents: AccountEventsService;
  /** The shared inbox: threads per correspondent number, conversations, unread counts. */
  readonly inbox: InboxService;
  /** The §7 endpoints and the scheduler's starts. */
  readonly broadcasts: BroadcastService;
  /** get_usage: SMS parts and emails per day or month. */
  readonly usage: UsageService;
  /** import_contacts, get_import and the background importer. */
  readonly imports: ImportService;
  /** send_verification, the SMS→voice fallback and the verification calls. */
  readonly verification: VerificationService;
  /** post_webhook, get_webhooks, delete_webhook and the queueing of status events. */
  readonly webhooks: WebhookService;
  /** Keywords, auto-replies and contests (post_keyword, get_keywords… — extensions, issue #15). */
  readonly keywords: KeywordService;
  /** The rate limits' counters, shared by every api process (Redis, the database or memory). */
  readonly rateCounter: RateCounter;
  /** The queues' depths for the /metrics gauges. */
  readonly queueStats: QueueStatsReader;
  /** The clock, passed in so tests and workers agree on "now" (epoch milliseconds). */
  now(): number;
}
