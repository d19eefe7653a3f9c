import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { migrateUpTo } from '../../helpers/migrations.js';

describe('migration 008-web-users on a database with users', () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-008-'));
    database = await createTestDatabase(dir, 'm008');
    store = openStore(database.url);
  });
  after(async () => {
    await store.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes the existing users admins with defaults, and new rows members', async () => {
    await migrateUpTo(store, '008-web-users');
    // Written as 001–007 knew the tables: no name, role, language or time zone yet.
    const db = store.db as unknown as Kysely<{
      accounts: {
        id?: number;
        name: string;
        default_language: string;
        default_country: string;
        created_at: number;
      };
      users: { id?: number; account_id: number; email: string; created_at: number };
    }>;
    const account = await db
      .insertInto('accounts')
      .values({ name: 'Old', default_language: 'fr', default_country: 'CA', created_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('users')
      .values({ account_id: Number(account.id), email: 'old@example.com', created_at: 1 })
      .execute();

    // 008 first, then whatever later migrations exist.
    assert.equal((await migrateToLatest(store))[0], '008-web-users');
    const rows = await store.db
      .selectFrom('users')
      .select(['email', 'name', 'role', 'language', 'time_zone', 'password_hash', 'password_changed_at'])
      .execute();
    assert.deepEqual(rows, [
      {
        email: 'old@example.com',
        name: '',
        role: 'admin',
        language: 'fr',
        time_zone: 'America/Toronto',
        password_hash: null,
        password_changed_at: null,
      },
    ]);
    await store.db
      .insertInto('users')
      .values({ account_id: Number(account.id), email: 'new@example.com', created_at: 2 })
      .execute();
    const fresh = await store.db
      .selectFrom('users')
      .select('role')
      .where('email', '=', 'new@example.com')
      .executeTakeFirstOrThrow();
    assert.equal(fresh.role, 'member');
  });
});
