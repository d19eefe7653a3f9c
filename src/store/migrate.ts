import {
  Migrator,
  sql,
  type Kysely,
  type MigrationProvider,
  type Migration as KyselyMigration,
} from 'kysely';
import type { Store } from './database.js';
import type { Migration } from './migrations/helpers.js';
import { accountsAndContacts } from './migrations/001-accounts-contacts.js';
import { messages } from './migrations/002-messages.js';
import { messagesDelivery } from './migrations/003-messages-delivery.js';
import { broadcasts } from './migrations/004-broadcasts.js';
import { smppBinds } from './migrations/005-smpp-binds.js';
import { webhooks } from './migrations/006-webhooks.js';
import { queueIndexes } from './migrations/007-queue-indexes.js';
import { webUsers } from './migrations/008-web-users.js';
import { contactSearch } from './migrations/009-contact-search.js';
import { apiKeyNames } from './migrations/010-api-key-names.js';
import { importPages } from './migrations/011-import-pages.js';
import { accountEvents } from './migrations/012-account-events.js';
import { messageViews } from './migrations/014-message-views.js';
import { verificationChecks } from './migrations/015-verification-checks.js';
import { rateLimits } from './migrations/016-rate-limits.js';
import { keywords } from './migrations/017-keywords.js';
import { consentSuppressions } from './migrations/018-consent-suppressions.js';
import { broadcastSchedule } from './migrations/019-broadcast-schedule.js';
import { pagesUsageMergeFields } from './migrations/020-pages-usage-merge-fields.js';
import { feedCommitOrder } from './migrations/021-feed-commit-order.js';
import { resubmittedParts } from './migrations/022-resubmitted-parts.js';
import { callUnanswered } from './migrations/023-call-unanswered.js';
import { contactTimeZone } from './migrations/024-contact-time-zone.js';

/** Every migration, in order. A new one is appended here; applied ones are never edited. */
export const MIGRATIONS: readonly Migration[] = [
  accountsAndContacts,
  messages,
  messagesDelivery,
  broadcasts,
  smppBinds,
  webhooks,
  queueIndexes,
  webUsers,
  contactSearch,
  apiKeyNames,
  importPages,
  accountEvents,
  messageViews,
  verificationChecks,
  rateLimits,
  keywords,
  consentSuppressions,
  broadcastSchedule,
  pagesUsageMergeFields,
  feedCommitOrder,
  resubmittedParts,
  callUnanswered,
  contactTimeZone,
];

export class SchemaTooNewError extends Error {}

function provider(store: Store): MigrationProvider {
  return {
    async getMigrations() {
      const byName: Record<string, KyselyMigration> = {};
      for (const migration of MIGRATIONS) {
        byName[migration.name] = {
          up: (db: Kysely<unknown>) => migration.up({ db, dialect: store.dialect }),
        };
      }
      return byName;
    },
  };
}

/** How long a SQLite migrate keeps retrying a race lost to another process (a slow, loaded disk). */
const SQLITE_MIGRATE_PATIENCE_MS = 30_000;

/**
 * Applies pending migrations; returns the names applied. Refuses a database migrated by newer code.
 * Several processes may run it at once: on PostgreSQL Kysely holds an advisory lock; SQLite has none
 * across processes, so a process that lost the race (its transaction rolled back) looks again.
 */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const giveUpAt = Date.now() + SQLITE_MIGRATE_PATIENCE_MS;
  for (let attempt = 1; ; attempt++) {
    await assertSchemaNotNewer(store);
    const migrator = new Migrator({ db: store.db, provider: provider(store) });
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (store.dialect !== 'sqlite' || Date.now() >= giveUpAt)
      throw error instanceof Error ? error : new Error(String(error));
    await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1000)));
  }
}

/** Throws SchemaTooNewError when the database holds a migration this code does not know. */
export async function assertSchemaNotNewer(store: Store): Promise<void> {
  const known = new Set(MIGRATIONS.map((m) => m.name));
  let applied: string[];
  try {
    const rows = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    applied = rows.rows.map((r) => r.name);
  } catch {
    return; // a new database has no migration table yet
  }
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SchemaTooNewError(
      `the database schema is newer than this code (unknown migrations: ${unknown.join(', ')}); upgrade vudumobile`,
    );
  }
}
