import { findReceiptCode, RECEIPT_STATS } from '../../domain/messages/receipt-status.js';
import type { Language } from './catalog.js';

/**
 * The contract's §6 receipt codes in English: the domain keeps the provider's French source table
 * (receipt-status.ts); this is its translation, by `<state>_<code>`.
 */
const RETRY = 'Retry later';
const REMOVE = 'Remove this recipient from your application';
const DISCRETION = 'At your discretion';
const CONTACT = 'Contact VuduMobile';

const EN: Readonly<Record<string, { name: string; action: string }>> = {
  DELIVERED_000: { name: 'Delivered', action: 'Consider the message delivered and billed' },
  ACCEPTED_000: {
    name: 'Accepted',
    action: 'You will not get a more detailed status. The message was probably delivered.',
  },
  EXPIRED_101: { name: 'Retries exhausted', action: RETRY },
  EXPIRED_102: { name: 'Validity period expired', action: RETRY },
  EXPIRED_103: { name: 'Stopped waiting for a notification', action: DISCRETION },
  UNDELIVERABLE_104: { name: 'Configuration error', action: CONTACT },
  UNDELIVERABLE_105: { name: 'System error', action: CONTACT },
  UNDELIVERABLE_200: { name: 'Service not allowed', action: REMOVE },
  UNDELIVERABLE_201: { name: 'Account closed', action: REMOVE },
  UNDELIVERABLE_202: { name: 'Not billable', action: REMOVE },
  UNDELIVERABLE_203: { name: 'Temporarily not billable', action: RETRY },
  UNDELIVERABLE_204: {
    name: 'Account blocked',
    action: 'The recipient should probably be removed from your application.',
  },
  UNDELIVERABLE_205: {
    name: 'Spending limit reached',
    action: 'Stop sending messages to this recipient until the next billing period',
  },
  UNDELIVERABLE_206: { name: 'Billing system error', action: DISCRETION },
  UNDELIVERABLE_250: {
    name: 'Subscription already exists',
    action:
      'You sent a subscription request instead of a renewal request. If that is not the case and you believe this notification is not normal, contact VuduMobile.',
  },
  UNDELIVERABLE_251: {
    name: 'Subscription does not exist',
    action: 'Check whether you made a successful subscription attempt for this user.',
  },
  UNDELIVERABLE_252: {
    name: 'Subscription inactive',
    action:
      'Remove this user from your database, and check that you handle cancellations and refunds correctly.',
  },
  UNDELIVERABLE_253: { name: 'Previous billing in progress', action: CONTACT },
  UNDELIVERABLE_254: { name: 'Duplicate renewal request', action: 'Check your renewal logic.' },
  UNDELIVERABLE_259: {
    name: 'Miscellaneous subscription error',
    action:
      'You may retry this subscription or renew the next day, for up to 3 days. If you still get this error, contact VuduMobile.',
  },
  UNDELIVERABLE_300: { name: 'Undeliverable', action: DISCRETION },
  UNDELIVERABLE_301: {
    name: 'Invalid message length',
    action: 'Fix the message length (not every carrier supports 160 characters)',
  },
  UNDELIVERABLE_302: {
    name: 'Invalid source number',
    action: 'Change the source number or contact VuduMobile',
  },
  UNDELIVERABLE_303: { name: 'Invalid destination number', action: REMOVE },
  UNDELIVERABLE_304: { name: 'Destination address blacklisted', action: REMOVE },
  UNDELIVERABLE_305: { name: 'Message delivery failure', action: RETRY },
  EXPIRED_306: { name: 'Expired', action: DISCRETION },
  UNDELIVERABLE_307: { name: 'Carrier system error', action: DISCRETION },
  UNKNOWN_399: { name: 'Unknown', action: DISCRETION },
};

export interface ReceiptCodeText {
  /** As the feed writes it: `UNDELIV_300`. */
  readonly code: string;
  readonly name: string;
  readonly action: string;
}

/** A message's detailed status (`<stat>_<err>`) named in the reader's language, when §6 lists it. */
export function receiptCodeText(lang: Language, detailedStatus: string): ReceiptCodeText | undefined {
  const [stat = '', err = ''] = detailedStatus.split('_');
  const state = RECEIPT_STATS[stat]?.state;
  if (!state) return undefined;
  const code = findReceiptCode(state, err);
  if (!code) return undefined;
  if (lang === 'fr') return { code: detailedStatus, name: code.name, action: code.action };
  const en = EN[`${state}_${err}`];
  return en ? { code: detailedStatus, name: en.name, action: en.action } : undefined;
}

/** Every §6 code has its English text (checked by test/web/inbox-i18n.test.ts). */
export function englishReceiptKeys(): readonly string[] {
  return Object.keys(EN);
}
