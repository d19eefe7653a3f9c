import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { inboundMessageRow, type NewInboundMessage } from './message-rows.js';

/** The account that sends from `number` (a long or short code), if any. */
export async function findAccountBySender(db: Kysely<Database>, number: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('account_senders')
    .select('account_id')
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.account_id;
}

export type { NewInboundMessage } from './message-rows.js';

/** Stores an MO message: direction `mo`, status `received`, its datetime the reception time. */
export async function insertInboundMessage(db: Kysely<Database>, sms: NewInboundMessage): Promise<number> {
  const row = await db
    .insertInto('messages')
    .values(inboundMessageRow(sms))
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
