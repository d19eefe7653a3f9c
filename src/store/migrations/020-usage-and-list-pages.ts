import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * Indexes for reading large answers a page or a range at a time:
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
export const usageAndListPages: Migration = {
  name: '020-usage-and-list-pages',
  async up({ db }) {
    await sql`create index messages_broadcast_order on messages (broadcast_id, id)
      where broadcast_id is not null`.execute(db);
    await sql`create index messages_usage on messages (account_id, sent_at)
      where sent_at is not null`.execute(db);
    await sql`create index emails_usage on emails (account_id, sent_at)
      where sent_at is not null`.execute(db);
  },
};
