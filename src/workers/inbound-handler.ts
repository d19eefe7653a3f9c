import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { isGsm7 } from '../domain/segments.js';
import { findAccountBySender, insertInboundMessage, insertUnroutedInbound } from '../store/inbound-repo.js';
import { findContactIdByNumber } from '../store/messages-repo.js';
import type { Database } from '../store/schema.js';
import type { InboundSms } from '../transport/types.js';

export type InboundResult =
  | {
      readonly routed: true;
      readonly accountId: number;
      readonly messageId: number;
      readonly contactId: number | null;
    }
  | { readonly routed: false; readonly unroutedId: number };

/** Carriers write addresses with or without `+` (and the odd space): compare digits. */
function digits(address: string): string {
  return address.replace(/\D/g, '');
}

/**
 * SmsTransportHandlers.onInbound: an MO message goes to the account whose sender number is its
 * destination, linked to that account's contact with the sender's number. One addressed to no
 * known number is kept in `unrouted_inbound` and logged — never dropped.
 */
export async function receiveInbound(
  db: Kysely<Database>,
  log: Logger,
  sms: InboundSms,
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
  const contactId = await findContactIdByNumber(db, accountId, from);
  const messageId = await insertInboundMessage(db, {
    accountId,
    from,
    to,
    body: sms.text,
    partCount: sms.partCount,
    encoding: isGsm7(sms.text) ? 'GSM-7' : 'UCS-2',
    contactId,
    receivedAt: sms.receivedAt,
  });
  log.info({ accountId, messageId, from }, 'inbound SMS stored');
  return { routed: true, accountId, messageId, contactId };
}
