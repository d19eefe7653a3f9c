import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../../src/store/database.js';
import { migrateToLatest, MIGRATIONS } from '../../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { migrateUpTo } from '../../helpers/migrations.js';

describe('migration 010-api-key-names on a database with keys and deliveries', () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-010-'));
    database = await createTestDatabase(dir, 'm010');
    store = openStore(database.url);
  });
  after(async () => {
    await store.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves existing keys unnamed and existing deliveries without an HTTP status', async () => {
    await migrateUpTo(store, '010-api-key-names');
    // Written as the tables were before 010: no name, no http_status.
    const db = store.db as unknown as Kysely<{
      accounts: {
        id?: number;
        name: string;
        default_language: string;
        default_country: string;
        created_at: number;
      };
      api_keys: {
        id?: number;
        account_id: number;
        key_hash: string;
        masked: string;
        allowed_ips: string;
        created_at: number;
      };
      webhooks: {
        id?: number;
        account_id: number;
        url: string;
        events: string;
        secret: string;
        created_at: number;
      };
      webhook_deliveries: {
        id?: number;
        webhook_id: number;
        event: string;
        payload: string;
        status: string;
        next_attempt_at: number;
        created_at: number;
      };
    }>;
    const account = await db
      .insertInto('accounts')
      .values({ name: 'Old', default_language: 'fr', default_country: 'CA', created_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const accountId = Number(account.id);
    await db
      .insertInto('api_keys')
      .values({
        account_id: accountId,
        key_hash: 'ab',
        masked: 'abcdef*****vwxyz',
        allowed_ips: '[]',
        created_at: 1,
      })
      .execute();
    const hook = await db
      .insertInto('webhooks')
      .values({
        account_id: accountId,
        url: 'https://hooks.example.com/',
        events: 'mo',
        secret: 's',
        created_at: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('webhook_deliveries')
      .values({
        webhook_id: Number(hook.id),
        event: 'mo',
        payload: '{}',
        status: 'delivered',
        next_attempt_at: 1,
        created_at: 1,
      })
      .execute();

    assert.deepEqual(
      await migrateToLatest(store),
      MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name === '010-api-key-names')).map((m) => m.name),
    );
    assert.deepEqual(await store.db.selectFrom('api_keys').select(['masked', 'name']).execute(), [
      { masked: 'abcdef*****vwxyz', name: '' },
    ]);
    assert.deepEqual(
      await store.db.selectFrom('webhook_deliveries').select(['status', 'http_status']).execute(),
      [{ status: 'delivered', http_status: null }],
    );
  });
});
