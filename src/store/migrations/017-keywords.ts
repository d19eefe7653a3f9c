import { notNull, withId, type Migration } from './helpers.js';

/**
 * Keywords and auto-replies (issue #15, item 1):
 *
 * - **keywords**: what an account answers to a listener who texts a word ("METEO", "CONCOURS"): its
 *   variants per language (as typed; matched folded, src/domain/keywords/keyword-text.ts), the sender
 *   number it listens on (null: all of the account's), the reply per language, the group to join, the
 *   `keyword` webhook flag, the active period, the replies allowed per number and day, contest mode,
 *   and how many inbound messages matched (counted in the reception transaction).
 * - **keyword_entries**: a contest's entries, one per number (a unique index, so a second text from
 *   the same number is no new entry); `drawn_at` marks the numbers already drawn.
 * - **keyword_replies**: one row per auto-reply queued, keyed by the inbound message that caused it
 *   (unique: never two replies to one MO); the per-day limit counts them by (keyword, number, time).
 * - **messages.is_kw**: 1 on an inbound message that matched a keyword (the 2019 rows' `is_kw`).
 */
export const keywords: Migration = {
  name: '017-keywords',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('keywords'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', notNull)
      // Variants as typed, one per line; the folded forms are computed when matching.
      .addColumn('fr_variants', 'text', notNull)
      .addColumn('en_variants', 'text', notNull)
      .addColumn('sender_number', 'text')
      .addColumn('fr_reply', 'text')
      .addColumn('en_reply', 'text')
      .addColumn('group_id', 'bigint', (c) => c.references('groups.id').onDelete('set null'))
      .addColumn('webhook', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('starts_at', 'bigint')
      .addColumn('ends_at', 'bigint')
      .addColumn('reply_limit', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('contest', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('match_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('updated_at', 'bigint', notNull)
      .execute();
    await db.schema.createIndex('keywords_account').on('keywords').columns(['account_id', 'id']).execute();

    await withId(db.schema.createTable('keyword_entries'), dialect)
      .addColumn('keyword_id', 'bigint', (c) => c.notNull().references('keywords.id').onDelete('cascade'))
      .addColumn('number', 'text', notNull)
      .addColumn('language', 'text', notNull)
      .addColumn('message_id', 'bigint', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('drawn_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('keyword_entries_number')
      .on('keyword_entries')
      .columns(['keyword_id', 'number'])
      .unique()
      .execute();

    await withId(db.schema.createTable('keyword_replies'), dialect)
      .addColumn('keyword_id', 'bigint', (c) => c.notNull().references('keywords.id').onDelete('cascade'))
      .addColumn('number', 'text', notNull)
      .addColumn('inbound_id', 'bigint', notNull)
      .addColumn('reply_id', 'bigint', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .execute();
    await db.schema
      .createIndex('keyword_replies_inbound')
      .on('keyword_replies')
      .column('inbound_id')
      .unique()
      .execute();
    await db.schema
      .createIndex('keyword_replies_number')
      .on('keyword_replies')
      .columns(['keyword_id', 'number', 'created_at'])
      .execute();

    await db.schema
      .alterTable('messages')
      .addColumn('is_kw', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
