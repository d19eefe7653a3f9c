import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * Local-time scheduling and quiet hours (issue #15, items 3 and 4):
 *
 * - **broadcasts.launch_timezone**: the IANA zone `launch_date` was given in (post_broadcast's
 *   `launch_timezone`); `launch_date` itself stays UTC, as the scheduler compares it. Null: UTC.
 * - **broadcasts.from_number** (existing) now also holds the sender chosen by post_broadcast's
 *   `from` while the broadcast is pending; the start keeps it (else the account's first number).
 * - **accounts.quiet_start / quiet_end**: the quiet-hours window in minutes after local midnight
 *   (21:00 → 1260, 08:00 → 480), in each recipient's zone; both null: no quiet hours. Accounts that
 *   exist get the default window 21:00–08:00 here; new ones get it from AccountsService.
 * - **accounts.time_zone**: the zone of a recipient whose number's area code gives none.
 */
export const broadcastSchedule: Migration = {
  name: '019-broadcast-schedule',
  async up({ db }) {
    await db.schema.alterTable('broadcasts').addColumn('launch_timezone', 'text').execute();
    await db.schema.alterTable('accounts').addColumn('quiet_start', 'integer').execute();
    await db.schema.alterTable('accounts').addColumn('quiet_end', 'integer').execute();
    await db.schema
      .alterTable('accounts')
      .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('America/Toronto'))
      .execute();
    await sql`update accounts set quiet_start = 1260, quiet_end = 480`.execute(db);
  },
};
