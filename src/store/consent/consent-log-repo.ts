import type { Kysely, Selectable } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type {
  ConsentAction,
  ConsentEntry,
  ConsentLogStore,
  ConsentRecord,
  ConsentSource,
  ConsentSubject,
  ConsentType,
} from '../../domain/ports/consent-log.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import type { DialectName } from '../database.js';
import { insertUnnest } from '../postgres/unnest.js';
import type { ConsentLogTable, Database } from '../schema.js';
import { fromStoreTransaction, type Executor } from '../transaction.js';

/**
 * Appends consent entries: on PostgreSQL one INSERT … unnest for the whole list, on SQLite multi-row
 * INSERTs of 200 (10 parameters a row). An import batch of thousands of rows costs a few statements.
 */
export async function insertConsentEntries(
  db: Executor,
  dialect: DialectName,
  entries: readonly ConsentEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  if (dialect === 'postgres') {
    await insertUnnest(db, 'consent_log', entries, {
      account_id: ['bigint', (e) => e.accountId],
      number: ['text', (e) => e.number],
      email: ['text', (e) => e.email],
      action: ['text', (e) => e.action],
      type: ['text', (e) => e.type],
      source: ['text', (e) => e.source],
      evidence: ['text', (e) => e.evidence],
      at: ['bigint', (e) => e.at],
      expires_at: ['bigint', (e) => e.expiresAt],
    });
    return;
  }
  for (const piece of chunks(entries, 200)) {
    await db
      .insertInto('consent_log')
      .values(
        piece.map((e) => ({
          account_id: e.accountId,
          number: e.number,
          email: e.email,
          action: e.action,
          type: e.type,
          source: e.source,
          evidence: e.evidence,
          at: e.at,
          expires_at: e.expiresAt,
        })),
      )
      .execute();
  }
}

function toRecord(row: Selectable<ConsentLogTable>): ConsentRecord {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    number: row.number,
    email: row.email,
    action: row.action as ConsentAction,
    type: row.type as ConsentType,
    source: row.source as ConsentSource,
    evidence: row.evidence,
    at: Number(row.at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

/** The consent log (ConsentLogStore) on consent_log and accounts.consent_default_type. */
export class KyselyConsentLog implements ConsentLogStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  record(entries: readonly ConsentEntry[], tx?: StoreTransaction): Promise<void> {
    return insertConsentEntries(tx ? fromStoreTransaction(tx) : this.db, this.dialect, entries);
  }

  async defaultType(accountId: number): Promise<ConsentType> {
    const row = await this.db
      .selectFrom('accounts')
      .select('consent_default_type')
      .where('id', '=', accountId)
      .executeTakeFirst();
    return row?.consent_default_type === 'implied' ? 'implied' : 'express';
  }

  async setDefaultType(accountId: number, type: ConsentType): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ consent_default_type: type })
      .where('id', '=', accountId)
      .execute();
  }

  async entriesOf(accountId: number, subject: ConsentSubject, limit: number): Promise<ConsentRecord[]> {
    let query = this.db.selectFrom('consent_log').selectAll().where('account_id', '=', accountId);
    query =
      'number' in subject
        ? query.where('number', '=', subject.number)
        : query.where('email', '=', subject.email);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toRecord);
  }

  async page(accountId: number, afterId: number, limit: number): Promise<ConsentRecord[]> {
    const rows = await this.db
      .selectFrom('consent_log')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }
}
