import { sql, type Kysely } from 'kysely';
import type { ContactSearch } from '../../domain/contacts/contact-search.js';
import type {
  ConversationMessage,
  Correspondent,
  InboxStore,
  Thread,
  ThreadQuery,
} from '../../domain/ports/inbox-store.js';
import { listContactRows, prefixUpperBound } from '../contacts/contact-list-query.js';
import type { DialectName } from '../database.js';
import type { Database } from '../schema.js';

/**
 * The message's correspondent, written exactly as the `messages_correspondent` index's expression
 * (migration 014: account_id, correspondent, created_at, id), so both engines read a conversation
 * through that index, newest first.
 */
const CORRESPONDENT = sql<string>`(case when direction = 'mo' then from_number else to_number end)`;

/** The inbox (domain/ports/inbox-store.ts) on the conversations table and its triggers. */
export class InboxRepo implements InboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async listThreads(query: ThreadQuery): Promise<Thread[]> {
    let select = this.db
      .selectFrom('conversations as c')
      .innerJoin('messages as m', 'm.id', 'c.last_message_id')
      .leftJoin('contacts as ct', (join) =>
        join.onRef('ct.account_id', '=', 'c.account_id').onRef('ct.number', '=', 'c.number'),
      )
      .select([
        'c.number',
        'c.last_message_id',
        'c.last_at',
        'c.unread',
        'm.direction',
        'm.body',
        'm.status',
        'ct.name as contact_name',
      ])
      .where('c.account_id', '=', query.accountId);
    if (query.before !== undefined) select = select.where('c.last_message_id', '<', query.before);
    if (query.numbers) select = select.where('c.number', 'in', query.numbers);
    if (query.numberPrefix !== undefined) {
      const prefix = query.numberPrefix;
      const upper = prefixUpperBound(prefix);
      select = select
        .where('c.number', '>=', prefix)
        .where(sql<boolean>`substr(c.number, 1, ${prefix.length}) = ${prefix}`);
      if (upper !== undefined) select = select.where('c.number', '<', upper);
    }
    const rows = await select.orderBy('c.last_message_id', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({
      number: r.number,
      contactName: r.contact_name || null,
      lastMessageId: Number(r.last_message_id),
      lastAt: Number(r.last_at),
      unread: Number(r.unread),
      lastDirection: r.direction,
      lastBody: r.body,
      lastStatus: r.status,
    }));
  }

  async threadMessages(
    accountId: number,
    number: string,
    before: number | undefined,
    limit: number,
  ): Promise<ConversationMessage[]> {
    let select = this.db
      .selectFrom('messages')
      .select(['id', 'direction', 'body', 'status', 'detailed_status', 'error', 'created_at', 'is_kw'])
      .where('account_id', '=', accountId)
      .where(sql<boolean>`${CORRESPONDENT} = ${number}`);
    if (before !== undefined) {
      select = select.where(
        sql<boolean>`(created_at, id) < (select created_at, id from messages where id = ${before})`,
      );
    }
    const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      direction: r.direction,
      body: r.body,
      status: r.status,
      detailedStatus: r.detailed_status,
      error: r.error,
      createdAt: Number(r.created_at),
      isKeyword: Number(r.is_kw) === 1,
    }));
  }

  async correspondent(accountId: number, number: string): Promise<Correspondent | undefined> {
    const row = await this.db
      .selectFrom('conversations as c')
      .leftJoin('contacts as ct', (join) =>
        join.onRef('ct.account_id', '=', 'c.account_id').onRef('ct.number', '=', 'c.number'),
      )
      .leftJoin('suppressions as s', (join) =>
        join.onRef('s.account_id', '=', 'c.account_id').onRef('s.number', '=', 'c.number'),
      )
      .select(['c.number', 'ct.id as contact_id', 'ct.name', 'ct.is_blocked', 's.reason'])
      .where('c.account_id', '=', accountId)
      .where('c.number', '=', number)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      number: row.number,
      contactId: row.contact_id === null ? null : Number(row.contact_id),
      contactName: row.name || null,
      blocked: Number(row.is_blocked ?? 0) === 1,
      optedOut: row.reason !== null,
    };
  }

  async markRead(accountId: number, number: string): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ unread: 0 })
      .where('account_id', '=', accountId)
      .where('number', '=', number)
      .where('unread', '>', 0)
      .execute();
  }

  async numbersByName(
    accountId: number,
    search: Extract<ContactSearch, { kind: 'name' }>,
    limit: number,
  ): Promise<string[]> {
    const rows = await listContactRows(this.db, this.dialect, accountId, { search }, { after: 0 }, limit);
    return rows.flatMap((r) => (r.number ? [r.number] : []));
  }

  async numbersByText(accountId: number, text: string, scanned: number, limit: number): Promise<string[]> {
    const pattern = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const like = this.dialect === 'postgres' ? sql`ilike` : sql`like`;
    // The latest messages through messages_feed_all (account_id, created_at, id), then the filter.
    const rows = await sql<{ number: string }>`
      select distinct number from (
        select ${CORRESPONDENT} as number, body from messages
          where account_id = ${accountId} order by created_at desc, id desc limit ${scanned}
      ) latest where body ${like} ${pattern} escape '\\' limit ${limit}`.execute(this.db);
    return rows.rows.map((r) => r.number);
  }
}
