import type { Migration } from './helpers.js';

/**
 * Rate limits and quotas (SECURITY.md):
 *
 * - **accounts.rate_per_minute / rate_per_day**: an account's own request limits, set by
 *   `vudumobile account limits`; null takes the platform's default (RATE_LIMIT_PER_ACCOUNT,
 *   RATE_LIMIT_PER_DAY).
 * - **rate_counters**: the fixed-window counters of a PostgreSQL deployment without Redis, shared by
 *   every api process: one row per limited thing (`key:12`, `account:3:day`, `sign-in-ip:…`), its
 *   hits in the current window and when that window ends. A counter whose window ended starts again
 *   at the next hit (an upsert), so the table holds one row per key, not one per request.
 */
export const rateLimits: Migration = {
  name: '016-rate-limits',
  async up({ db }) {
    await db.schema.alterTable('accounts').addColumn('rate_per_minute', 'integer').execute();
    await db.schema.alterTable('accounts').addColumn('rate_per_day', 'integer').execute();
    await db.schema
      .createTable('rate_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'bigint', (c) => c.notNull())
      .addColumn('window_ends_at', 'bigint', (c) => c.notNull())
      .execute();
    // The purge of counters whose window ended long ago reads by end time.
    await db.schema
      .createIndex('rate_counters_window_ends_at')
      .on('rate_counters')
      .column('window_ends_at')
      .execute();
  },
};
