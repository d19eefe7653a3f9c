import type { Kysely } from 'kysely';
import type { GroupKey } from '../../domain/contacts/address-book.js';
import type { Keyword, KeywordCounts, KeywordEntry, KeywordFields } from '../../domain/keywords/keywords.js';
import type { KeywordGroup, KeywordStore } from '../../domain/ports/keyword-store.js';
import type { Database } from '../schema.js';
import type { Executor } from '../transaction.js';
import { keywordColumns, toEntry, toKeyword } from './keyword-rows.js';

/** The account's keywords with their group's name, in id order. */
export function selectKeywords(db: Executor, accountId: number) {
  return db
    .selectFrom('keywords')
    .leftJoin('groups', 'groups.id', 'keywords.group_id')
    .selectAll('keywords')
    .select('groups.name as group_name')
    .where('keywords.account_id', '=', accountId)
    .orderBy('keywords.id');
}

/** The keywords' management (domain/ports/keyword-store.ts) on Kysely. */
export class KeywordsRepo implements KeywordStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listKeywords(accountId: number): Promise<Keyword[]> {
    return (await selectKeywords(this.db, accountId).execute()).map(toKeyword);
  }

  async findKeyword(accountId: number, id: number): Promise<Keyword | undefined> {
    const row = await selectKeywords(this.db, accountId).where('keywords.id', '=', id).executeTakeFirst();
    return row && toKeyword(row);
  }

  async insertKeyword(accountId: number, fields: KeywordFields, now: number): Promise<Keyword> {
    const row = await this.db
      .insertInto('keywords')
      .values({ account_id: accountId, ...keywordColumns(fields), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return this.saved(accountId, row.id);
  }

  async updateKeyword(accountId: number, id: number, fields: KeywordFields, now: number): Promise<Keyword> {
    await this.db
      .updateTable('keywords')
      .set({ ...keywordColumns(fields), updated_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
    return this.saved(accountId, id);
  }

  async deleteKeyword(accountId: number, id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('keywords')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async senderNumbers(accountId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('account_senders')
      .select('number')
      .where('account_id', '=', accountId)
      .execute();
    return rows.map((r) => r.number);
  }

  async findGroup(accountId: number, key: GroupKey): Promise<KeywordGroup | undefined> {
    const query = this.db
      .selectFrom('groups')
      .select(['id', 'name', 'system_kind'])
      .where('account_id', '=', accountId);
    const row = await (
      'id' in key ? query.where('id', '=', key.id) : query.where('name_key', '=', key.name.toLowerCase())
    ).executeTakeFirst();
    if (!row) return undefined;
    const kind = row.system_kind === 'all' || row.system_kind === 'blocked' ? row.system_kind : null;
    return { id: row.id, name: row.name, systemKind: kind };
  }

  async counts(keywordId: number): Promise<KeywordCounts> {
    const keyword = await this.db
      .selectFrom('keywords')
      .select('match_count')
      .where('id', '=', keywordId)
      .executeTakeFirst();
    const entries = await this.db
      .selectFrom('keyword_entries')
      .select((eb) => [eb.fn.countAll<number>().as('entries'), eb.fn.count<number>('drawn_at').as('drawn')])
      .where('keyword_id', '=', keywordId)
      .executeTakeFirstOrThrow();
    return {
      matches: keyword?.match_count ?? 0,
      entries: Number(entries.entries),
      drawn: Number(entries.drawn),
    };
  }

  async listEntries(keywordId: number): Promise<KeywordEntry[]> {
    const rows = await this.db
      .selectFrom('keyword_entries')
      .selectAll()
      .where('keyword_id', '=', keywordId)
      .orderBy('id')
      .execute();
    return rows.map(toEntry);
  }

  async countUndrawn(keywordId: number): Promise<number> {
    const row = await this.db
      .selectFrom('keyword_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('keyword_id', '=', keywordId)
      .where('drawn_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async undrawnAt(keywordId: number, offset: number): Promise<KeywordEntry | undefined> {
    const row = await this.db
      .selectFrom('keyword_entries')
      .selectAll()
      .where('keyword_id', '=', keywordId)
      .where('drawn_at', 'is', null)
      .orderBy('id')
      .limit(1)
      .offset(offset)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async markDrawn(entryId: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('keyword_entries')
      .set({ drawn_at: now })
      .where('id', '=', entryId)
      .where('drawn_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  private async saved(accountId: number, id: number): Promise<Keyword> {
    const keyword = await this.findKeyword(accountId, id);
    if (!keyword) throw new Error(`keyword ${id} vanished while being saved`);
    return keyword;
  }
}
