import type { Migration } from './helpers.js';

/**
 * A contact's own time zone (issue #15, item 3: quiet hours "in each recipient's local time, derived
 * from the number's area code or the contact's time zone"):
 *
 * - **contacts.time_zone**: an IANA zone (post_contact's `timezone`, the web form, an import's
 *   `timezone`/`fuseau` column), canonical as Intl names it; null: none. When set it wins over the
 *   number's area code, which wins over the account's zone (a Montréal number carried to Vancouver).
 * - **broadcast_recipients.time_zone**: the contact's zone at the start, beside the rest of the
 *   snapshot, so the fan-out holds a recipient in the zone it had when the broadcast started.
 *   Snapshots taken before this migration have none: their area codes' zones, as before.
 *
 * Nullable without a default: no table rewrite on either engine.
 */
export const contactTimeZone: Migration = {
  name: '024-contact-time-zone',
  async up({ db }) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('contacts').addColumn('time_zone', 'text').execute();
    await db.schema.alterTable('broadcast_recipients').addColumn('time_zone', 'text').execute();
  },
};
