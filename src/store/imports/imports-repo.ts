import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { CsvEncoding } from '../../domain/imports/csv-encoding.js';
import { DELIMITERS } from '../../domain/imports/csv-header.js';
import { KEPT_ERRORS } from '../../domain/imports/import-report.js';
import type { GroupRef, RejectedRow } from '../../domain/imports/import-rows.js';
import {
  LeaseLost,
  type ImportAccount,
  type ImportBatchTx,
  type ImportJob,
  type ImportLease,
  type ImportStatus,
  type ImportStore,
  type NewImport,
  type RejectedRowRecord,
  type ResolvedGroup,
} from '../../domain/ports/import-store.js';
import type { NewEmail } from '../../domain/messages/outbound.js';
import { ContactBatchTx, shapedPieces, systemKind } from '../contacts/contact-batch-repo.js';
import type { DialectName, Store } from '../database.js';
import { insertQueuedEmail } from '../emails/emails-repo.js';
import type { Database, ImportsTable } from '../schema.js';

const READ_PIECE_BYTES = 64 * 1024;

const STATUSES: readonly ImportStatus[] = ['draft', 'pending', 'running', 'completed', 'failed'];

/** A JSON array of strings as stored in `header` and `row_values`; anything else reads as none. */
function stringList(json: string | null): string[] | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String(v))) : null;
  } catch {
    return null;
  }
}

function toJob(row: Selectable<ImportsTable>): ImportJob {
  const status = STATUSES.find((s) => s === row.status);
  const delimiter = DELIMITERS.find((d) => d === row.delimiter);
  const encoding: CsvEncoding | undefined =
    row.encoding === 'utf8' || row.encoding === 'win1252' ? row.encoding : undefined;
  if (!status || !delimiter || !encoding) throw new Error(`import ${row.id} holds an unknown state`);
  return {
    id: row.id,
    accountId: row.account_id,
    reportEmail: row.report_email,
    overwrite: row.overwrite === 1,
    groupId: row.group_id,
    status,
    encoding,
    delimiter,
    checkpointLine: Number(row.checkpoint_line),
    counts: {
      rowsRead: Number(row.rows_read),
      created: Number(row.created),
      updated: Number(row.updated),
      skipped: Number(row.skipped),
      rejected: Number(row.rejected),
    },
    error: row.error,
    reportSentAt: row.report_sent_at,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    fileName: row.file_name,
    header: stringList(row.header),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
  };
}

/** Pending, or with work or a report left and a lease that ran out (its worker died). */
function claimable(now: number) {
  return (eb: ExpressionBuilder<Database, 'imports'>) =>
    eb.or([
      eb('status', '=', 'pending'),
      eb.and([
        eb.or([
          eb('status', '=', 'running'),
          eb.and([eb('status', 'in', ['completed', 'failed']), eb('report_sent_at', 'is', null)]),
        ]),
        eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
      ]),
    ]);
}

/** The CSV import's store (contract §4.4), on SQLite or PostgreSQL. */
export class KyselyImportStore implements ImportStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
  }

  async findUserEmail(accountId: number, email: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('email')
      .where('account_id', '=', accountId)
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst();
    return row?.email;
  }

  async findGroup(accountId: number, ref: GroupRef): Promise<ResolvedGroup | undefined> {
    let query = this.db
      .selectFrom('groups')
      .select(['id', 'system_kind'])
      .where('account_id', '=', accountId);
    query =
      'id' in ref ? query.where('id', '=', ref.id) : query.where('name_key', '=', ref.name.toLowerCase());
    const row = await query.executeTakeFirst();
    return row && { id: row.id, systemKind: systemKind(row.system_kind) };
  }

  async createImport(input: NewImport, chunks: AsyncIterable<Buffer>, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('imports')
        .values({
          account_id: input.accountId,
          report_email: input.reportEmail,
          overwrite: input.overwrite ? 1 : 0,
          group_id: input.groupId,
          status: input.draft ? 'draft' : 'pending',
          encoding: input.encoding,
          delimiter: input.delimiter,
          byte_size: input.byteSize,
          checkpoint_line: 1,
          rows_read: 0,
          created: 0,
          updated: 0,
          skipped: 0,
          rejected: 0,
          created_at: now,
          file_name: input.fileName,
          header: JSON.stringify(input.header),
          rows_total: input.rowsTotal,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      let seq = 0;
      for await (const data of chunks) {
        await trx.insertInto('import_chunks').values({ import_id: id, seq, data }).execute();
        seq++;
      }
      return id;
    });
  }

  async findImport(accountId: number, id: number): Promise<ImportJob | undefined> {
    const row = await this.db
      .selectFrom('imports')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toJob(row);
  }

  async listErrors(importId: number, limit: number): Promise<RejectedRow[]> {
    const rows = await this.db
      .selectFrom('import_errors')
      .select(['line', 'reason'])
      .where('import_id', '=', importId)
      .orderBy('line')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ line: Number(r.line), reason: r.reason }));
  }

  async listImports(accountId: number, limit: number, beforeId: number | undefined): Promise<ImportJob[]> {
    let query = this.db.selectFrom('imports').selectAll().where('account_id', '=', accountId);
    if (beforeId !== undefined) query = query.where('id', '<', beforeId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toJob);
  }

  async listRejectedRows(importId: number, afterId: number, limit: number): Promise<RejectedRowRecord[]> {
    // Batches commit in line order and each inserts its rows sorted by line: id order is line order.
    const rows = await this.db
      .selectFrom('import_errors')
      .select(['id', 'line', 'reason', 'row_values'])
      .where('import_id', '=', importId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      line: Number(r.line),
      reason: r.reason,
      values: stringList(r.row_values) ?? [],
    }));
  }

  async confirmDraft(accountId: number, id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('imports')
      .set({ status: 'pending' })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteDraft(accountId: number, id: number): Promise<boolean> {
    // The chunks go with the row (on delete cascade; SQLite's foreign keys are on in openStore).
    const result = await this.db
      .deleteFrom('imports')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteDraftsBefore(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('imports')
      .where('status', '=', 'draft')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async findAccount(accountId: number): Promise<ImportAccount | undefined> {
    const row = await this.db
      .selectFrom('accounts')
      .select(['id', 'default_language', 'default_country', 'mail_from', 'consent_default_type'])
      .where('id', '=', accountId)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        defaultLanguage: row.default_language === 'en' ? 'en' : 'fr',
        defaultCountry: row.default_country,
        mailFrom: row.mail_from,
        consentType: row.consent_default_type === 'implied' ? 'implied' : 'express',
      }
    );
  }

  async claimImport(
    now: number,
    leaseMs: number,
  ): Promise<{ job: ImportJob; lease: ImportLease } | undefined> {
    // Two workers may pick the same candidate; the conditional update lets exactly one of them win.
    for (let attempt = 0; attempt < 3; attempt++) {
      const candidate = await this.db
        .selectFrom('imports')
        .select('id')
        .where(claimable(now))
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!candidate) return undefined;
      const lease = { importId: candidate.id, until: now + leaseMs };
      const result = await this.db
        .updateTable('imports')
        .set({
          status: sql<string>`case when status = 'pending' then 'running' else status end`,
          lease_until: lease.until,
        })
        .where('id', '=', candidate.id)
        .where(claimable(now))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        const row = await this.db
          .selectFrom('imports')
          .selectAll()
          .where('id', '=', candidate.id)
          .executeTakeFirstOrThrow();
        return { job: toJob(row), lease };
      }
    }
    return undefined;
  }

  async renewLease(lease: ImportLease, now: number, leaseMs: number): Promise<ImportLease> {
    return renew(this.db, lease, now + leaseMs);
  }

  async releaseLease(lease: ImportLease, until: number): Promise<void> {
    await this.db
      .updateTable('imports')
      .set({ lease_until: until })
      .where('id', '=', lease.importId)
      .where('lease_until', '=', lease.until)
      .execute();
  }

  async *readChunks(importId: number): AsyncGenerator<Buffer> {
    // Read back in 64 KB slices (substr works on blobs and bytea alike): a piece dies before the
    // garbage collector would promote it, and a 50 MB import never sits in memory.
    const chunks = await this.db
      .selectFrom('import_chunks')
      .select(['seq', (eb) => eb.fn<number>('length', ['data']).as('size')])
      .where('import_id', '=', importId)
      .orderBy('seq')
      .execute();
    for (const { seq, size } of chunks) {
      for (let at = 0; at < Number(size); at += READ_PIECE_BYTES) {
        const row = await this.db
          .selectFrom('import_chunks')
          .select((eb) =>
            eb.fn<Buffer>('substr', ['data', eb.val(at + 1), eb.val(READ_PIECE_BYTES)]).as('piece'),
          )
          .where('import_id', '=', importId)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (!row) return;
        yield row.piece;
      }
    }
  }

  async runBatch<T>(
    lease: ImportLease,
    account: ImportAccount,
    now: number,
    leaseMs: number,
    work: (tx: ImportBatchTx) => Promise<T>,
  ): Promise<{ result: T; lease: ImportLease }> {
    return this.db.transaction().execute(async (trx) => {
      // Renewing first also locks the import's row (PostgreSQL) for the whole batch.
      const renewed = await renew(trx, lease, now + leaseMs);
      const tx = new ContactBatchTx(trx, this.dialect, account, now, async (progress) => {
        const { rejected } = await trx
          .selectFrom('imports')
          .select('rejected')
          .where('id', '=', lease.importId)
          .executeTakeFirstOrThrow();
        const keep = Math.max(0, KEPT_ERRORS - Number(rejected));
        const kept = progress.errors.slice(0, keep);
        for (const piece of shapedPieces(kept)) {
          await trx
            .insertInto('import_errors')
            .values(
              piece.map((e) => ({
                import_id: lease.importId,
                line: e.line,
                reason: e.reason,
                row_values: e.values === undefined ? null : JSON.stringify(e.values),
              })),
            )
            .execute();
        }
        const c = progress.counts;
        await trx
          .updateTable('imports')
          .set((eb) => ({
            checkpoint_line: progress.checkpointLine,
            rows_read: eb('rows_read', '+', c.rowsRead),
            created: eb('created', '+', c.created),
            updated: eb('updated', '+', c.updated),
            skipped: eb('skipped', '+', c.skipped),
            rejected: eb('rejected', '+', c.rejected),
          }))
          .where('id', '=', lease.importId)
          .execute();
      });
      return { result: await work(tx), lease: renewed };
    });
  }

  async finishImport(
    lease: ImportLease,
    outcome: 'completed' | 'failed',
    error: string | null,
    now: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('imports')
        .set({ status: outcome, error, finished_at: now })
        .where('id', '=', lease.importId)
        .where('lease_until', '=', lease.until)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new LeaseLost(lease.importId);
      // The bytes were only kept to read them; the counts and reasons stay.
      await trx.deleteFrom('import_chunks').where('import_id', '=', lease.importId).execute();
    });
  }

  async queueReport(lease: ImportLease, report: NewEmail): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('imports')
        .set({ report_sent_at: report.acceptedAt, lease_until: null })
        .where('id', '=', lease.importId)
        .where('lease_until', '=', lease.until)
        .where('report_sent_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new LeaseLost(lease.importId);
      await insertQueuedEmail(trx, report);
    });
  }
}

async function renew(db: Kysely<Database>, lease: ImportLease, until: number): Promise<ImportLease> {
  const result = await db
    .updateTable('imports')
    .set({ lease_until: until })
    .where('id', '=', lease.importId)
    .where('lease_until', '=', lease.until)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLost(lease.importId);
  return { importId: lease.importId, until };
}
