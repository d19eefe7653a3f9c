import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../src/config.js';
import { openMigratedStore } from '../../src/main.js';
import { createAccount } from '../../src/store/accounts/accounts-repo.js';
import type { Store } from '../../src/store/database.js';
import { createTestDatabase } from './database.js';

/** A migrated store of this test pass (a temporary SQLite file, or a fresh PostgreSQL database) with one account. */
export async function tempStore(): Promise<{
  store: Store;
  accountId: number;
  /** The database's URL, for a second connection (another process's store). */
  url: string;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'vudumobile-store-'));
  const database = await createTestDatabase(dir);
  const store = await openMigratedStore(readConfig({ DATABASE_URL: database.url }));
  const accountId = await createAccount(
    store.db,
    {
      name: 'Store test',
      defaultLanguage: 'fr',
      defaultCountry: 'CA',
      mailFrom: null,
      senders: ['15149541234'],
    },
    Date.now(),
  );
  return {
    store,
    accountId,
    url: database.url,
    async close() {
      await store.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
