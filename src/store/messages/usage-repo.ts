import { sql, type Kysely } from 'kysely';
import type { UsageStore } from '../../domain/ports/usage-store.js';
import { USAGE_SLOT_MS, type UsageSlot } from '../../domain/usage/usage.js';
import type { Database } from '../schema.js';

/** The emails an account sends (API, broadcasts and their tests); not the platform's own mail. */
const ACCOUNT_EMAIL_KINDS = ['api', 'broadcast', 'broadcast_test'];

type Range = { readonly startAt: number; readonly endAt: number };

const slotOf = (column: 'sent_at' | 'created_at') =>
  sql<number>`${sql.ref(column)} - ${sql.ref(column)} % ${sql.lit(USAGE_SLOT_MS)}`;

/**
 * get_usage's counts (port UsageStore), one grouped query per kind of traffic, each a range of an
 * index: mt by submission time (messages_usage: account_id, sent_at; only submitted messages have
 * an entry), mo by reception (messages_feed: account_id, direction, created_at), emails by sending
 * (emails_usage). A year of a busy account is at most 35,040 slots a kind, never its rows.
 */
export class KyselyUsageStore implements UsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async usageSlots(accountId: number, range: Range, byBroadcast: boolean): Promise<UsageSlot[]> {
    const [mt, mo, emails] = await Promise.all([
      this.mt(accountId, range, byBroadcast),
      this.mo(accountId, range),
      this.emails(accountId, range, byBroadcast),
    ]);
    return [...mt, ...mo, ...emails];
  }

  private async mt(accountId: number, range: Range, byBroadcast: boolean): Promise<UsageSlot[]> {
    const broadcast = byBroadcast ? sql<number | null>`broadcast_id` : sql<number | null>`null`;
    const rows = await this.db
      .selectFrom('messages')
      .select((eb) => [
        slotOf('sent_at').as('slot'),
        broadcast.as('broadcast_id'),
        eb.fn.countAll<number>().as('messages'),
        // Every submission's parts (resubmitted_parts: those of attempts before the last).
        eb.fn.sum<number>(eb('part_count', '+', eb.ref('resubmitted_parts'))).as('parts'),
      ])
      .where('account_id', '=', accountId)
      .where('sent_at', '>=', range.startAt)
      .where('sent_at', '<', range.endAt)
      .where('direction', '=', 'mt')
      .groupBy(byBroadcast ? [sql`1`, sql`2`] : [sql`1`])
      .execute();
    return rows.map((r) => ({
      ...none(Number(r.slot), r.broadcast_id === null ? null : Number(r.broadcast_id)),
      mtMessages: Number(r.messages),
      mtParts: Number(r.parts),
    }));
  }

  private async mo(accountId: number, range: Range): Promise<UsageSlot[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select((eb) => [
        slotOf('created_at').as('slot'),
        eb.fn.countAll<number>().as('messages'),
        eb.fn.sum<number>('part_count').as('parts'),
      ])
      .where('account_id', '=', accountId)
      .where('direction', '=', 'mo')
      .where('created_at', '>=', range.startAt)
      .where('created_at', '<', range.endAt)
      .groupBy(sql`1`)
      .execute();
    return rows.map((r) => ({
      ...none(Number(r.slot), null),
      moMessages: Number(r.messages),
      moParts: Number(r.parts),
    }));
  }

  private async emails(accountId: number, range: Range, byBroadcast: boolean): Promise<UsageSlot[]> {
    const broadcast = byBroadcast ? sql<number | null>`broadcast_id` : sql<number | null>`null`;
    const rows = await this.db
      .selectFrom('emails')
      .select((eb) => [
        slotOf('sent_at').as('slot'),
        broadcast.as('broadcast_id'),
        eb.fn.countAll<number>().as('emails'),
      ])
      .where('account_id', '=', accountId)
      .where('sent_at', '>=', range.startAt)
      .where('sent_at', '<', range.endAt)
      .where('status', '=', 'sent')
      .where('kind', 'in', ACCOUNT_EMAIL_KINDS)
      .groupBy(byBroadcast ? [sql`1`, sql`2`] : [sql`1`])
      .execute();
    return rows.map((r) => ({
      ...none(Number(r.slot), r.broadcast_id === null ? null : Number(r.broadcast_id)),
      emails: Number(r.emails),
    }));
  }
}

function none(slot: number, broadcastId: number | null): UsageSlot {
  return { slot, broadcastId, mtMessages: 0, mtParts: 0, moMessages: 0, moParts: 0, emails: 0 };
}
