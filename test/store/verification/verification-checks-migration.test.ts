import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { migrateUpTo } from '../../helpers/migrations.js';

describe('migration 015-verification-checks on a database with verifications and landlines', () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-015-'));
    database = await createTestDatabase(dir, 'm015');
    store = openStore(database.url);
  });
  after(async () => {
    await store.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives old codes 10 minutes from their creation, names answered calls, and marks landlines learnt', async () => {
    await migrateUpTo(store, '015-verification-checks');
    // Written as the tables were before 015 (raw SQL: the typed schema is the one after).
    await sql`insert into accounts (name, default_language, default_country, created_at)
      values ('Old', 'fr', 'CA', 1)`.execute(store.db);
    for (const [requestId, status] of [
      ['old-call', 'call_placed'],
      ['old-sms', 'sms'],
    ])
      await sql`insert into verifications (account_id, key_id, request_id, to_number, language, channel,
          status, created_at, code, fallback, attempts, next_attempt_at)
        values (1, 1, ${requestId}, '15145550000', 'fr', 'voice', ${status}, 5000, '1234', 0, 1, 0)`.execute(
        store.db,
      );
    await sql`insert into landlines (number, reason, created_at) values ('15145550000', 'verification SMS failed', 1)`.execute(
      store.db,
    );

    await migrateToLatest(store);
    const rows = await store.db
      .selectFrom('verifications')
      .select(['request_id', 'status', 'call_outcome', 'expires_at', 'check_attempts', 'verified_at'])
      .orderBy('request_id')
      .execute();
    assert.deepEqual(
      rows.map((r) => ({ ...r, expires_at: Number(r.expires_at) })),
      [
        {
          request_id: 'old-call',
          status: 'answered',
          call_outcome: 'answered',
          expires_at: 605_000,
          check_attempts: 0,
          verified_at: null,
        },
        {
          request_id: 'old-sms',
          status: 'sms',
          call_outcome: null,
          expires_at: 605_000,
          check_attempts: 0,
          verified_at: null,
        },
      ],
    );
    assert.deepEqual(await store.db.selectFrom('landlines').select(['number', 'source']).execute(), [
      { number: '15145550000', source: 'learnt' },
    ]);
  });
});
