import { KyselyConsentLog } from './store/consent/consent-log-repo.js';
import type { Logger } from 'pino';
import type { DispatchConfig } from './config-outbound.js';
import { DispatchService } from './domain/messages/dispatch-service.js';
import type { MessageEvents } from './domain/messages/message-events.js';
import { ReceiptService } from './domain/messages/receipt-service.js';
import type { SmsTransport } from './domain/ports/transports.js';
import type { Store } from './store/database.js';
import { KyselyOutboundQueue } from './store/messages/dispatch-repo.js';
import { KyselyReceiptStore } from './store/messages/receipts-repo.js';
import { SmsDispatcher } from './workers/dispatcher.js';
import { ReceiptHandler } from './workers/receipt-handler.js';

/** Part of the composition root (main.ts): the SMS dispatcher and the receipt handler on a store. */

export interface SmsDispatcherWiring {
  readonly store: Store;
  readonly sms: SmsTransport;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  readonly config: DispatchConfig;
  /** How often an idle dispatcher looks for due rows when nothing woke it (other processes). */
  readonly pollMs?: number;
}

export function createSmsDispatcher(deps: SmsDispatcherWiring): SmsDispatcher {
  const { store, sms, events, log, now, config } = deps;
  const service = new DispatchService({
    queue: new KyselyOutboundQueue(store.db, store.dialect),
    sms,
    events,
    log,
    now,
    maxAttempts: config.maxAttempts,
  });
  const dispatcher = new SmsDispatcher({
    service,
    log,
    now,
    config,
    ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
  });
  // A send, a receipt's retry, an opt-out confirmation or a verification SMS committed in this
  // process is claimed at once, not at the next poll.
  events.onQueued('sms', () => dispatcher.wake());
  return dispatcher;
}

export interface ReceiptHandlerWiring {
  readonly store: Store;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  /** Re-sends after a "Réessayer plus tard" receipt; 0 = never. */
  readonly receiptRetries: number;
}

export function createReceiptHandler(deps: ReceiptHandlerWiring): ReceiptHandler {
  const { store, events, log, now, receiptRetries } = deps;
  const service = new ReceiptService({
    store: new KyselyReceiptStore(store.db, store.dialect),
    events,
    log,
    now,
    receiptRetries,
    consent: new KyselyConsentLog(store.db, store.dialect),
  });
  return new ReceiptHandler({ service, events, log });
}
