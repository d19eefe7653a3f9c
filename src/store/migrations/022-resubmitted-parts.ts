import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * What the carrier bills: every submission's parts. A message the receipt handler sends again
 * ("Réessayer plus tard", RECEIPT_RETRY_ATTEMPTS) has its parts of the earlier attempt deleted and
 * new ones recorded, so `part_count` counts one submission; `resubmitted_parts` keeps the parts of
 * the attempts before the last, and get_usage adds them. A constant default: no table rewrite.
 */
export const resubmittedParts: Migration = {
  name: '022-resubmitted-parts',
  async up({ db }) {
    await sql`alter table messages add column resubmitted_parts integer not null default 0`.execute(db);
  },
};
