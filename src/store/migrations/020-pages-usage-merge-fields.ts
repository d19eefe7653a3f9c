import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * Paging of broadcast lists, the usage report, and merge fields whatever the channels:
 *
 * - **broadcast_recipients.contact_number, contact_email**: the contact's own number and email at
 *   the start. `number` and `email` stay where the recipient is sent (null: no SMS, no email), so an
 *   SMS-only broadcast kept no address and `_EMAIL_` rendered empty (and `_NUMBER_` in an email-only
 *   one, or for a suppressed number). Snapshots taken before this migration read their channels'.
 *
 * - **messages_broadcast_order** (broadcast_id, id): a page of a broadcast's `list` (get_broadcast,
 *   get_broadcasts) is `broadcast_id = ? and id > ? order by id limit n`. messages_broadcast is
 *   (broadcast_id, status): on it a page of a 100,000-row broadcast would read and sort every row.
 *   Partial like messages_broadcast: single sends have no entry.
 * - **messages_usage** (account_id, sent_at): get_usage counts the parts an account handed to the
 *   carrier in a period, by when they were submitted (what the carrier bills), not when the message
 *   was accepted: a broadcast held by pacing or quiet hours is billed the day it goes out. Only
 *   submitted messages (sent_at set) have an entry. Inbound parts are read through messages_feed.
 * - **emails_usage** (account_id, sent_at): the emails the account sent in a period, likewise.
 */
export const pagesUsageMergeFields: Migration = {
  name: '020-pages-usage-merge-fields',
  async up({ db }) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('broadcast_recipients').addColumn('contact_number', 'text').execute();
    await db.schema.alterTable('broadcast_recipients').addColumn('contact_email', 'text').execute();
    await sql`create index messages_broadcast_order on messages (broadcast_id, id)
      where broadcast_id is not null`.execute(db);
    await sql`create index messages_usage on messages (account_id, sent_at)
      where sent_at is not null`.execute(db);
    await sql`create index emails_usage on emails (account_id, sent_at)
      where sent_at is not null`.execute(db);
  },
};
