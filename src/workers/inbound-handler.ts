import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import {
  optOutConfirmation,
  optOutKeyword,
  type OptOutAction,
  type OptOutKeyword,
} from '../domain/messages/opt-out.js';
import { isGsm7, segmentMessage } from '../domain/sms/segments.js';
import {
  findAccountBySender,
  insertInboundMessage,
  insertUnroutedInbound,
} from '../store/messages/inbound-repo.js';
import { findContactIdByNumber, insertQueuedMessage } from '../store/messages/messages-repo.js';
import { accountLanguage, optIn, optOut } from '../store/messages/opt-out-repo.js';
import type { Database } from '../store/schema.js';
import type { InboundSms } from '../domain/ports/transports.js';
import { enqueueInboundWebhook } from './webhook-events.js';

export type InboundResult =
  | {
      readonly routed: true;
      readonly accountId: number;
      readonly messageId: number;
      readonly contactId: number | null;
      /** Set when the message was an opt-out keyword: what it did and the confirmation queued. */
      readonly optOut?: { readonly action: OptOutAction; readonly confirmationId: number };
    }
  | { readonly routed: false; readonly unroutedId: number };

export interface InboundOptions {
  /** Called after a commit that queued an SMS (an opt-out confirmation): wakes the dispatcher. */
  readonly onQueued?: () => void;
  /** Called after a commit that queued webhook deliveries: wakes the webhook sender. */
  readonly onWebhookQueued?: () => void;
}

/** Carriers write addresses with or without `+` (and the odd space): compare digits. */
function digits(address: string): string {
  return address.replace(/\D/g, '');
}

/**
 * SmsTransportHandlers.onInbound: an MO message goes to the account whose sender number is its
 * destination, linked to that account's contact with the sender's number. One addressed to no
 * known number is kept in `unrouted_inbound` and logged — never dropped. An opt-out keyword (STOP,
 * ARRET… — domain/opt-out.ts) is stored like any message and, in the same transaction, blocks or
 * unblocks the number and queues the one confirmation SMS: the transport acknowledges the MO only
 * after this commit, so a keyword is never lost half-applied.
 */
export async function receiveInbound(
  db: Kysely<Database>,
  log: Logger,
  sms: InboundSms,
  options: InboundOptions = {},
): Promise<InboundResult> {
  const from = digits(sms.from) || sms.from;
  const to = digits(sms.to) || sms.to;
  const accountId = await findAccountBySender(db, to);
  if (accountId === undefined) {
    const unroutedId = await insertUnroutedInbound(db, {
      from,
      to,
      body: sms.text,
      partCount: sms.partCount,
      receivedAt: sms.receivedAt,
    });
    log.warn(
      { from, to, unroutedId },
      'inbound SMS to a number no account sends from: kept in unrouted_inbound',
    );
    return { routed: false, unroutedId };
  }
  const keyword = optOutKeyword(sms.text);
  const { result, hooks } = await db.transaction().execute(async (trx) => {
    // The keyword first: a STOP from an unknown number creates the contact the message links to.
    const applied =
      keyword && (await applyKeyword(trx, keyword, { accountId, from, to, now: sms.receivedAt }));
    const contactId = applied ? applied.contactId : await findContactIdByNumber(trx, accountId, from);
    const messageId = await insertInboundMessage(trx, {
      accountId,
      from,
      to,
      body: sms.text,
      partCount: sms.partCount,
      encoding: isGsm7(sms.text) ? 'GSM-7' : 'UCS-2',
      contactId,
      receivedAt: sms.receivedAt,
    });
    const hooks = await enqueueInboundWebhook(
      trx,
      {
        accountId,
        messageId,
        from,
        to,
        text: sms.text,
        partCount: sms.partCount,
        receivedAt: sms.receivedAt,
      },
      sms.receivedAt,
    );
    const optOut = applied && { action: applied.action, confirmationId: applied.confirmationId };
    const routed = { routed: true as const, accountId, messageId, contactId, ...(optOut ? { optOut } : {}) };
    return { result: routed, hooks };
  });
  if (hooks > 0) options.onWebhookQueued?.();
  if (result.optOut) {
    options.onQueued?.();
    log.info({ accountId, from, action: result.optOut.action }, 'inbound SMS: opt-out keyword applied');
  } else log.info({ accountId, messageId: result.messageId, from }, 'inbound SMS stored');
  return result;
}

async function applyKeyword(
  trx: Transaction<Database>,
  keyword: OptOutKeyword,
  message: { accountId: number; from: string; to: string; now: number },
): Promise<{ action: OptOutAction; confirmationId: number; contactId: number | null }> {
  const subject = { accountId: message.accountId, number: message.from, now: message.now };
  const fallback = keyword.language ?? (await accountLanguage(trx, message.accountId));
  const contact =
    keyword.action === 'stop'
      ? await optOut(trx, { ...subject, language: fallback })
      : await optIn(trx, subject);
  const body = optOutConfirmation(keyword.action, contact?.language ?? fallback);
  const { parts, encoding } = segmentMessage(body);
  // Queued directly, past the blocked-recipient check of `send`: this one answer is what the law asks.
  const confirmationId = await insertQueuedMessage(trx, {
    accountId: message.accountId,
    from: message.to,
    to: message.from,
    body,
    partCount: parts.length,
    encoding,
    contactId: contact?.contactId ?? null,
    priority: 0,
    acceptedAt: message.now,
  });
  return { action: keyword.action, confirmationId, contactId: contact?.contactId ?? null };
}
