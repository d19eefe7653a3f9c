import { Migrator, type Kysely } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrate.js';

/**
 * Applies the project's migrations that come before `name`, so a test can write rows as the tables
 * were then and watch `name` (and the rest, through migrateToLatest) carry them forward.
 */
export async function migrateUpTo(store: Store, name: string): Promise<void> {
  const index = MIGRATIONS.findIndex((m) => m.name === name);
  if (index === -1) throw new Error(`no migration named ${name}`);
  const migrator = new Migrator({
    db: store.db,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          MIGRATIONS.slice(0, index).map((m) => [
            m.name,
            { up: (db: Kysely<unknown>) => m.up({ db, dialect: store.dialect }) },
          ]),
        ),
    },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}
