import { sql } from 'kysely';
import type { Language } from '../../domain/contacts/address-book.js';
import type { Keyword } from '../../domain/keywords/keywords.js';
import type { NewOutboundMessage } from '../../domain/messages/outbound.js';
import type { KeywordInboundStore, KeywordSender } from '../../domain/ports/keyword-store.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import { insertQueuedMessage } from '../messages/messages-repo.js';
import { accountLanguage } from '../messages/opt-out-repo.js';
import { fromStoreTransaction } from '../transaction.js';
import { asLanguage, toKeyword } from './keyword-rows.js';
import { selectKeywords } from './keywords-repo.js';

/**
 * What a keyword message writes in the reception transaction (domain/ports/keyword-store.ts): every
 * method works in the caller's transaction, so the repository holds no handle of its own.
 */
export class KeywordInboundRepo implements KeywordInboundStore {
  async keywordsOf(tx: StoreTransaction, accountId: number): Promise<Keyword[]> {
    return (await selectKeywords(fromStoreTransaction(tx), accountId).execute()).map(toKeyword);
  }

  async sender(tx: StoreTransaction, accountId: number, number: string): Promise<KeywordSender> {
    const trx = fromStoreTransaction(tx);
    const contact = await trx
      .selectFrom('contacts')
      .select(['id', 'language', 'is_blocked'])
      .where('account_id', '=', accountId)
      .where('number', '=', number)
      .executeTakeFirst();
    const suppressed = await trx
      .selectFrom('suppressions')
      .select('number')
      .where('account_id', '=', accountId)
      .where('number', '=', number)
      .executeTakeFirst();
    return {
      contactId: contact?.id ?? null,
      language: contact ? asLanguage(contact.language) : null,
      blocked: contact?.is_blocked === 1 || suppressed !== undefined,
    };
  }

  accountLanguage(tx: StoreTransaction, accountId: number): Promise<Language> {
    return accountLanguage(fromStoreTransaction(tx), accountId);
  }

  async joinGroup(
    tx: StoreTransaction,
    join: { accountId: number; number: string; language: Language; groupId: number | null; now: number },
  ): Promise<{ contactId: number; language: Language }> {
    const trx = fromStoreTransaction(tx);
    const existing = await trx
      .selectFrom('contacts')
      .select(['id', 'language'])
      .where('account_id', '=', join.accountId)
      .where('number', '=', join.number)
      .executeTakeFirst();
    const contact =
      existing ??
      (await trx
        .insertInto('contacts')
        .values({
          account_id: join.accountId,
          number: join.number,
          email: null,
          name: '',
          description: 'Joined by keyword',
          language: join.language,
          user_id: 0,
          is_blocked: 0,
          created_at: join.now,
        })
        .returning(['id', 'language'])
        .executeTakeFirstOrThrow());
    const group =
      join.groupId === null
        ? undefined
        : await trx
            .selectFrom('groups')
            .select(['id', 'system_kind'])
            .where('id', '=', join.groupId)
            .where('account_id', '=', join.accountId)
            .executeTakeFirst();
    // Tous holds every contact without membership rows; Blocked is refused when the keyword is saved.
    if (group && group.system_kind === null)
      await trx
        .insertInto('group_members')
        .values({ group_id: group.id, contact_id: contact.id, created_at: join.now })
        .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing())
        .execute();
    return { contactId: contact.id, language: asLanguage(contact.language) };
  }

  async countMatch(tx: StoreTransaction, keywordId: number): Promise<void> {
    await fromStoreTransaction(tx)
      .updateTable('keywords')
      .set({ match_count: sql`match_count + 1` })
      .where('id', '=', keywordId)
      .execute();
  }

  async addEntry(
    tx: StoreTransaction,
    entry: { keywordId: number; number: string; language: Language; messageId: number; now: number },
  ): Promise<boolean> {
    const inserted = await fromStoreTransaction(tx)
      .insertInto('keyword_entries')
      .values({
        keyword_id: entry.keywordId,
        number: entry.number,
        language: entry.language,
        message_id: entry.messageId,
        created_at: entry.now,
        drawn_at: null,
      })
      .onConflict((oc) => oc.columns(['keyword_id', 'number']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async repliesSince(
    tx: StoreTransaction,
    keywordId: number,
    number: string,
    since: number,
  ): Promise<number> {
    const row = await fromStoreTransaction(tx)
      .selectFrom('keyword_replies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('keyword_id', '=', keywordId)
      .where('number', '=', number)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async queueReply(
    tx: StoreTransaction,
    reply: NewOutboundMessage,
    record: { keywordId: number; inboundId: number },
  ): Promise<number> {
    const trx = fromStoreTransaction(tx);
    const replyId = await insertQueuedMessage(trx, reply);
    await trx
      .insertInto('keyword_replies')
      .values({
        keyword_id: record.keywordId,
        number: reply.to,
        inbound_id: record.inboundId,
        reply_id: replyId,
        created_at: reply.acceptedAt,
      })
      .execute();
    return replyId;
  }
}
