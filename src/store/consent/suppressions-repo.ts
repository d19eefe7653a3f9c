import type { Kysely } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type {
  SuppressedNumber,
  SuppressionAction,
  SuppressionChange,
  SuppressionHistoryRow,
  SuppressionSource,
  SuppressionStore,
} from '../../domain/ports/suppression-store.js';
import type { Database } from '../schema.js';
import type { Executor } from '../transaction.js';

/** Appends history rows in the caller's transaction (a keyword, a receipt batch, an operator). */
export async function appendSuppressionHistory(
  db: Executor,
  changes: readonly SuppressionChange[],
): Promise<void> {
  for (const piece of chunks(changes, 300)) {
    await db
      .insertInto('suppression_history')
      .values(
        piece.map((c) => ({
          account_id: c.accountId,
          number: c.number,
          action: c.action,
          source: c.source,
          actor: c.actor,
          reason: c.reason,
          at: c.at,
        })),
      )
      .execute();
  }
}

/** The suppression list and its history (SuppressionStore) for the operator's endpoints and CLI. */
export class KyselySuppressions implements SuppressionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: number, afterNumber: string, limit: number): Promise<SuppressedNumber[]> {
    // The primary key (account_id, number) serves both the filter and the order: a keyset walk.
    const rows = await this.db
      .selectFrom('suppressions')
      .select(['number', 'reason', 'created_at'])
      .where('account_id', '=', accountId)
      .where('number', '>', afterNumber)
      .orderBy('number')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ number: r.number, reason: r.reason, since: Number(r.created_at) }));
  }

  async find(accountId: number, number: string): Promise<SuppressedNumber | undefined> {
    const row = await this.db
      .selectFrom('suppressions')
      .select(['number', 'reason', 'created_at'])
      .where('account_id', '=', accountId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row && { number: row.number, reason: row.reason, since: Number(row.created_at) };
  }

  async historyOf(accountId: number, number: string, limit: number): Promise<SuppressionHistoryRow[]> {
    const rows = await this.db
      .selectFrom('suppression_history')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('number', '=', number)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      accountId: Number(r.account_id),
      number: r.number,
      action: r.action as SuppressionAction,
      source: r.source as SuppressionSource,
      actor: r.actor,
      reason: r.reason,
      at: Number(r.at),
    }));
  }

  suppress(change: SuppressionChange): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const added = await trx
        .insertInto('suppressions')
        .values({
          account_id: change.accountId,
          number: change.number,
          reason: change.reason,
          created_at: change.at,
        })
        .onConflict((oc) => oc.columns(['account_id', 'number']).doNothing())
        .returning('number')
        .executeTakeFirst();
      if (!added) return false;
      await appendSuppressionHistory(trx, [change]);
      return true;
    });
  }

  lift(change: SuppressionChange): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const lifted = await trx
        .deleteFrom('suppressions')
        .where('account_id', '=', change.accountId)
        .where('number', '=', change.number)
        .returning('number')
        .executeTakeFirst();
      if (!lifted) return false;
      await appendSuppressionHistory(trx, [change]);
      return true;
    });
  }
}
