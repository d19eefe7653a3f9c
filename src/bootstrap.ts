import type { Kysely } from 'kysely';
import { generateApiKey, hashApiKey, maskApiKey } from './domain/accounts/api-keys.js';
import { LOOPBACK_ONLY } from './domain/accounts/ip-allow-list.js';
import { countAccounts, createAccount } from './store/accounts/accounts-repo.js';
import { insertApiKey } from './store/accounts/keys-repo.js';
import type { Database } from './store/schema.js';
import { insertUser } from './store/accounts/users-repo.js';

export interface FirstRunAccount {
  accountId: number;
  userEmail: string;
  key: string;
}

/**
 * On the first start with an empty database: a default account (fr, CA), the user
 * admin@localhost and one API key allowed from loopback only. Returns undefined when accounts exist.
 */
export async function createFirstRunAccount(
  db: Kysely<Database>,
  now: number,
): Promise<FirstRunAccount | undefined> {
  if ((await countAccounts(db)) > 0) return undefined;
  const accountId = await createAccount(
    db,
    { name: 'Default', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
    now,
  );
  const userEmail = 'admin@localhost';
  await insertUser(db, accountId, userEmail, now);
  const key = generateApiKey();
  await insertApiKey(
    db,
    { accountId, keyHash: hashApiKey(key), masked: maskApiKey(key), allowedIps: LOOPBACK_ONLY },
    now,
  );
  return { accountId, userEmail, key };
}
