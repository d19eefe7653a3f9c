import type { Kysely, Selectable } from 'kysely';
import type {
  Broadcast,
  BroadcastCounters,
  BroadcastDraft,
  BroadcastMessage,
  BroadcastStatus,
  BroadcastUpdate,
  ContactLookup,
  GroupLookup,
  QueuedEmail,
  QueuedSms,
  StartOptions,
  StartOutcome,
  TestContact,
} from '../../domain/broadcasts/broadcasts.js';
import type { BroadcastStore } from '../../domain/ports/broadcast-store.js';
import type { ListPage } from '../../domain/broadcasts/broadcast-list-page.js';
import { queuedEmailRow } from '../emails/email-rows.js';
import { outboundMessageRow } from '../messages/message-rows.js';
import { startBroadcastInStore, senderIdentity } from './broadcast-start.js';
import { textColumns, textsOf } from './broadcast-texts.js';
import { chunks } from '../../domain/common/chunks.js';
import { countBroadcastOutcomes, IN_CHUNK, listBroadcastMessages } from './broadcast-stats.js';
import type { BroadcastsTable, Database } from '../schema.js';

function toBroadcast(row: Selectable<BroadcastsTable>, groupNames: readonly string[]): Broadcast {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    texts: textsOf(row),
    // Written only by this module, always one of the four.
    status: row.status as BroadcastStatus,
    launchDate: row.launch_date,
    launchTimeZone: row.launch_timezone,
    fromNumber: row.from_number,
    endDate: row.end_date,
    groupNames,
    smsTotal: Number(row.sms_total),
    emailTotal: Number(row.email_total),
    commercial: Number(row.commercial) !== 0,
  };
}

/** The broadcasts of the API side (contract §7), on SQLite or PostgreSQL. */
export class BroadcastsRepo implements BroadcastStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findGroupIds(accountId: number, refs: readonly GroupLookup[]): Promise<number[] | undefined> {
    const ids: number[] = [];
    for (const ref of refs) {
      let query = this.db.selectFrom('groups').select('id').where('account_id', '=', accountId);
      query =
        'id' in ref ? query.where('id', '=', ref.id) : query.where('name_key', '=', ref.name.toLowerCase());
      const row = await query.executeTakeFirst();
      if (!row) return undefined;
      if (!ids.includes(row.id)) ids.push(row.id);
    }
    return ids;
  }

  async insert(accountId: number, draft: BroadcastDraft, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('broadcasts')
        .values({
          account_id: accountId,
          name: draft.name,
          ...textColumns(draft.texts),
          ...(draft.commercial === undefined ? {} : { commercial: draft.commercial ? 1 : 0 }),
          status: 'pending',
          launch_date: draft.launchDate,
          launch_timezone: draft.launchTimeZone,
          from_number: draft.fromNumber,
          sms_total: 0,
          email_total: 0,
          fanout_cursor: 0,
          fanout_done: 0,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('broadcast_groups')
        .values(
          draft.groupIds.map((groupId, position) => ({ broadcast_id: row.id, group_id: groupId, position })),
        )
        .execute();
      return row.id;
    });
  }

  async isSender(accountId: number, number: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('account_senders')
      .select('id')
      .where('account_id', '=', accountId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row !== undefined;
  }

  async updatePending(accountId: number, id: number, update: BroadcastUpdate): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('broadcasts')
        .set({
          name: update.name,
          ...textColumns(update.texts),
          launch_date: update.launchDate,
          launch_timezone: update.launchTimeZone,
          from_number: update.fromNumber,
          ...(update.commercial === undefined ? {} : { commercial: update.commercial ? 1 : 0 }),
        })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('status', '=', 'pending')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      if (update.groupIds !== null) {
        await trx.deleteFrom('broadcast_groups').where('broadcast_id', '=', id).execute();
        await trx
          .insertInto('broadcast_groups')
          .values(
            update.groupIds.map((groupId, position) => ({ broadcast_id: id, group_id: groupId, position })),
          )
          .execute();
      }
      return true;
    });
  }

  async find(accountId: number, id: number): Promise<Broadcast | undefined> {
    const row = await this.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const names = await this.groupNames([row.id]);
    return toBroadcast(row, names.get(row.id) ?? []);
  }

  async list(accountId: number): Promise<Broadcast[]> {
    const rows = await this.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('deleted_at', 'is', null)
      .orderBy('id', 'desc')
      .execute();
    const names = await this.groupNames(rows.map((r) => r.id));
    return rows.map((row) => toBroadcast(row, names.get(row.id) ?? []));
  }

  private async groupNames(ids: readonly number[]): Promise<Map<number, string[]>> {
    const names = new Map<number, string[]>();
    for (const part of chunks(ids, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('broadcast_groups')
        .innerJoin('groups', 'groups.id', 'broadcast_groups.group_id')
        .select(['broadcast_groups.broadcast_id', 'groups.name'])
        .where('broadcast_groups.broadcast_id', 'in', part)
        .orderBy('broadcast_groups.broadcast_id')
        .orderBy('broadcast_groups.position')
        .execute();
      for (const row of rows) {
        const list = names.get(row.broadcast_id) ?? [];
        list.push(row.name);
        names.set(row.broadcast_id, list);
      }
    }
    return names;
  }

  start(accountId: number, id: number, options: StartOptions): Promise<StartOutcome> {
    return startBroadcastInStore(this.db, accountId, id, options);
  }

  async dueScheduled(now: number, limit: number): Promise<{ id: number; accountId: number }[]> {
    const rows = await this.db
      .selectFrom('broadcasts')
      .select(['id', 'account_id'])
      .where('status', '=', 'pending')
      .where('launch_date', '<=', now)
      .where('deleted_at', 'is', null)
      .orderBy('launch_date')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, accountId: r.account_id }));
  }

  async markDeleted(accountId: number, id: number, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('broadcasts')
        .set({ deleted_at: now, lease_until: null })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      // Rows a dispatcher already holds ('sending') finish; nothing still waiting goes out.
      await trx
        .updateTable('messages')
        .set({ status: 'cancelled', done_at: now })
        .where('broadcast_id', '=', id)
        .where('status', '=', 'queued')
        .execute();
      await trx
        .updateTable('emails')
        .set({ status: 'cancelled' })
        .where('broadcast_id', '=', id)
        .where('status', '=', 'queued')
        .execute();
      return true;
    });
  }

  counters(ids: readonly number[]): Promise<Map<number, BroadcastCounters>> {
    return countBroadcastOutcomes(this.db, ids);
  }

  messagesPage(ids: readonly number[], page: ListPage): Promise<Map<number, BroadcastMessage[]>> {
    return listBroadcastMessages(this.db, ids, page);
  }

  async findContact(accountId: number, lookup: ContactLookup): Promise<TestContact | undefined> {
    let query = this.db
      .selectFrom('contacts as c')
      .select((eb) => [
        'c.id',
        'c.number',
        'c.email',
        'c.name',
        'c.description',
        'c.language',
        'c.is_blocked',
        eb
          .exists(
            eb
              .selectFrom('suppressions as s')
              .select('s.number')
              .whereRef('s.account_id', '=', 'c.account_id')
              .whereRef('s.number', '=', 'c.number'),
          )
          .as('suppressed'),
      ])
      .where('c.account_id', '=', accountId);
    if ('id' in lookup) query = query.where('c.id', '=', lookup.id);
    else if ('number' in lookup) query = query.where('c.number', '=', lookup.number);
    else query = query.where('c.email', '=', lookup.email);
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    return {
      contactId: row.id,
      number: row.number,
      email: row.email,
      contactNumber: row.number,
      contactEmail: row.email,
      name: row.name,
      description: row.description,
      language: row.language,
      isBlocked: row.is_blocked === 1,
      // SQLite answers 0/1, PostgreSQL a boolean.
      isSuppressed: Boolean(row.suppressed),
    };
  }

  async queueTest(
    accountId: number,
    sms: QueuedSms | null,
    email: QueuedEmail | null,
    options: { readonly defaultMailFrom: string; readonly now: number; readonly fromNumber: string | null },
  ): Promise<boolean> {
    const { now } = options;
    const from = await senderIdentity(this.db, accountId, options.defaultMailFrom, options.fromNumber);
    if (sms && from.number === '') return false;
    await this.db.transaction().execute(async (trx) => {
      if (sms) {
        await trx
          .insertInto('messages')
          .values(
            outboundMessageRow({
              accountId,
              from: from.number,
              to: sms.to,
              body: sms.body,
              partCount: sms.partCount,
              encoding: sms.encoding,
              contactId: sms.contactId,
              broadcastId: null,
              // A test is a single send: it must not wait behind the bulk it previews.
              priority: 0,
              acceptedAt: now,
            }),
          )
          .execute();
      }
      if (email) {
        await trx
          .insertInto('emails')
          .values(
            queuedEmailRow({
              accountId,
              kind: 'broadcast_test',
              from: from.mailFrom,
              to: email.to,
              subject: email.subject,
              body: email.html,
              format: 'htm',
              contactId: email.contactId,
              broadcastId: null,
              acceptedAt: now,
            }),
          )
          .execute();
      }
    });
    return true;
  }
}
