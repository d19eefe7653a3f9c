import type { Kysely } from 'kysely';
import type { SmsEncoding } from '../../domain/ports/transports.js';
import type { Database } from '../schema.js';

/** The account that sends from `number` (a long or short code), if any. */
export async function findAccountBySender(db: Kysely<Database>, number: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('account_senders')
    .select('account_id')
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.account_id;
}

export interface NewInboundMessage {
  readonly accountId: number;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly partCount: number;
  readonly encoding: SmsEncoding;
  readonly contactId: number | null;
  readonly receivedAt: number;
}

/** Stores an MO message: direction `mo`, status `received`, its datetime the reception time. */
export async function insertInboundMessage(db: Kysely<Database>, sms: NewInboundMessage): Promise<number> {
  const row = await db
    .insertInto('messages')
    .values({
      account_id: sms.accountId,
      direction: 'mo',
      from_number: sms.from,
      to_number: sms.to,
      body: sms.body,
      part_count: sms.partCount,
      encoding: sms.encoding,
      status: 'received',
      detailed_status: null,
      contact_id: sms.contactId,
      broadcast_id: null,
      priority: 0,
      idempotency_key: null,
      attempts: 0,
      next_attempt_at: 0,
      lease_until: null,
      error: null,
      created_at: sms.receivedAt,
      sent_at: null,
      done_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Keeps an inbound SMS addressed to no account's sender number. */
export async function insertUnroutedInbound(
  db: Kysely<Database>,
  sms: { from: string; to: string; body: string; partCount: number; receivedAt: number },
): Promise<number> {
  const row = await db
    .insertInto('unrouted_inbound')
    .values({
      from_number: sms.from,
      to_number: sms.to,
      body: sms.body,
      part_count: sms.partCount,
      received_at: sms.receivedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
