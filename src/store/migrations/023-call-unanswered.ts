import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * Busy and unanswered calls counted apart from the other attempts: VERIFY_CALL_RETRIES is how many
 * times a busy or silent line is called again, and a call the telephony could not even place (no
 * trunk for a moment) must not use one up. `attempts` keeps counting every attempt. A constant
 * default: no table rewrite.
 */
export const callUnanswered: Migration = {
  name: '023-call-unanswered',
  async up({ db }) {
    await sql`alter table verifications add column calls_unanswered integer not null default 0`.execute(db);
  },
};
