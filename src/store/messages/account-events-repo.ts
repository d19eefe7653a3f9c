import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  AccountEvent,
  AccountEventsStore,
  NewAccountEvent,
} from '../../domain/ports/account-events-store.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import type { DialectName } from '../database.js';
import { insertUnnest } from '../postgres/unnest.js';
import type { AccountEventsTable, Database } from '../schema.js';
import { fromStoreTransaction } from '../transaction.js';

const COLUMNS = ['id', 'account_id', 'kind', 'message_id', 'number', 'status', 'created_at'] as const;

function toEvent(row: Selectable<AccountEventsTable>): AccountEvent {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    kind: row.kind,
    messageId: Number(row.message_id),
    number: row.number,
    status: row.status,
    createdAt: Number(row.created_at),
  };
}

/** The account events table (domain/ports/account-events-store.ts) on Kysely. */
export class AccountEventsRepo implements AccountEventsStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async record(tx: StoreTransaction, events: readonly NewAccountEvent[]): Promise<void> {
    if (events.length === 0) return;
    const db = fromStoreTransaction(tx);
    if (this.dialect === 'postgres') {
      // One statement whatever the batch (the dispatcher records 256 outcomes at a time).
      await insertUnnest(db, 'account_events', events, {
        account_id: ['bigint', (e) => e.accountId],
        kind: ['text', (e) => e.kind],
        message_id: ['bigint', (e) => e.messageId],
        number: ['text', (e) => e.number],
        status: ['text', (e) => e.status],
        created_at: ['bigint', (e) => e.createdAt],
      });
      return;
    }
    await db
      .insertInto('account_events')
      .values(
        events.map((e) => ({
          account_id: e.accountId,
          kind: e.kind,
          message_id: e.messageId,
          number: e.number,
          status: e.status,
          created_at: e.createdAt,
        })),
      )
      .execute();
  }

  async read(afterId: number, gaps: readonly number[], limit: number): Promise<AccountEvent[]> {
    const rows = await this.db
      .selectFrom('account_events')
      .select(COLUMNS)
      .where((eb) =>
        gaps.length > 0 ? eb.or([eb('id', '>', afterId), eb('id', 'in', gaps)]) : eb('id', '>', afterId),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  async latestId(): Promise<number> {
    const row = await this.db
      .selectFrom('account_events')
      .select(sql<number | null>`max(id)`.as('id'))
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  async forAccount(accountId: number, afterId: number, limit: number): Promise<AccountEvent[]> {
    const rows = await this.db
      .selectFrom('account_events')
      .select(COLUMNS)
      .where('account_id', '=', accountId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  async prune(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('account_events')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
