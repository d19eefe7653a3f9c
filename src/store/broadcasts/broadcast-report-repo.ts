import type { CaslFooter } from '../../domain/consent/casl-footer.js';
import { readCaslFooter } from '../consent/casl-footer-repo.js';
import { sql, type Kysely } from 'kysely';
import type { RecipientSelection, TargetGroup } from '../../domain/broadcasts/broadcast-recipients.js';
import type {
  BroadcastReach,
  BroadcastReportStore,
  FailureGroup,
  RecipientOutcome,
} from '../../domain/ports/broadcast-report-store.js';
import type { Database } from '../schema.js';
import { recipientRows } from './broadcast-start.js';

/** Rows per read of the export: a page of the (broadcast_id, id) walk, then the next. */
const OUTCOME_BATCH = 1000;

export class BroadcastReportRepo implements BroadcastReportStore {
  constructor(private readonly db: Kysely<Database>) {}

  caslFooter(accountId: number): Promise<CaslFooter> {
    return readCaslFooter(this.db, accountId);
  }

  async groupTargets(accountId: number, groupIds: readonly number[]): Promise<TargetGroup[] | undefined> {
    const unique = [...new Set(groupIds)];
    if (unique.length === 0) return [];
    const rows = await this.db
      .selectFrom('groups')
      .select(['id', 'system_kind as systemKind'])
      .where('account_id', '=', accountId)
      .where('id', 'in', unique)
      .execute();
    return rows.length === unique.length ? rows : undefined;
  }

  broadcastTargets(accountId: number, broadcastId: number): Promise<TargetGroup[]> {
    return this.db
      .selectFrom('broadcast_groups')
      .innerJoin('groups', 'groups.id', 'broadcast_groups.group_id')
      .select(['groups.id', 'groups.system_kind as systemKind'])
      .where('broadcast_groups.broadcast_id', '=', broadcastId)
      .where('groups.account_id', '=', accountId)
      .execute();
  }

  async countReach(accountId: number, selection: RecipientSelection): Promise<BroadcastReach> {
    // The start's own selection over every contact of the account (no chunking: a read, not a write).
    const result = await sql<{
      sms_fr: number | string | null;
      sms_en: number | string | null;
      email: number | string;
    }>`
      select
        sum(case when r.number is not null and r.language <> 'en' then 1 else 0 end) as sms_fr,
        sum(case when r.number is not null and r.language = 'en' then 1 else 0 end) as sms_en,
        count(r.email) as email
      from (${recipientRows(selection, accountId, 0, null)}) r
    `.execute(this.db);
    const row = result.rows[0];
    return {
      smsFr: Number(row?.sms_fr ?? 0),
      smsEn: Number(row?.sms_en ?? 0),
      email: Number(row?.email ?? 0),
    };
  }

  async failures(broadcastId: number): Promise<FailureGroup[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select((eb) => ['detailed_status', 'error', eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', '=', broadcastId)
      .where('status', '=', 'failed')
      .groupBy(['detailed_status', 'error'])
      .orderBy('n', 'desc')
      .execute();
    return rows.map((row) => ({
      detailedStatus: row.detailed_status,
      error: row.error,
      count: Number(row.n),
    }));
  }

  async *outcomes(broadcastId: number): AsyncIterable<RecipientOutcome> {
    for (let after = 0; ;) {
      const rows = await this.db
        .selectFrom('messages as m')
        .leftJoin('contacts as c', 'c.id', 'm.contact_id')
        .select([
          'm.id',
          'm.to_number',
          'c.name',
          'c.language',
          'm.status',
          'm.detailed_status',
          'm.error',
          'm.part_count',
          'm.created_at',
          'm.done_at',
        ])
        .where('m.broadcast_id', '=', broadcastId)
        .where('m.id', '>', after)
        .orderBy('m.id')
        .limit(OUTCOME_BATCH)
        .execute();
      for (const row of rows) {
        yield {
          messageId: row.id,
          toNumber: row.to_number,
          contactName: row.name ?? '',
          language: row.language ?? '',
          status: row.status,
          detailedStatus: row.detailed_status,
          error: row.error,
          partCount: row.part_count,
          createdAt: row.created_at,
          doneAt: row.done_at,
        };
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < OUTCOME_BATCH) return;
      after = last.id;
    }
  }
}
