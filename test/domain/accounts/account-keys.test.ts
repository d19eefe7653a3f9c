import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AccountsService } from '../../../src/domain/accounts/accounts-service.js';
import { hashApiKey } from '../../../src/domain/accounts/api-keys.js';
import { DomainError } from '../../../src/domain/errors.js';
import { createAccount } from '../../../src/store/accounts/accounts-repo.js';
import { KyselyAccountsStore } from '../../../src/store/accounts/kysely-accounts-store.js';
import { tempStore } from '../../helpers/store.js';

/** The keys an account's admins manage (the Developers page), on the real store of this test pass. */
describe('account keys: names, allow-lists as typed, scoped to the account', () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  let accounts: AccountsService;
  let other: number;
  before(async () => {
    db = await tempStore();
    accounts = new AccountsService(new KyselyAccountsStore(db.store.db), () => 1_800_000_000_000);
    other = await createAccount(
      db.store.db,
      { name: 'Other', defaultLanguage: 'en', defaultCountry: 'CA', mailFrom: null, senders: [] },
      Date.now(),
    );
  });
  after(() => db.close());

  const refusal = (id: string, message: string) => (error: unknown) =>
    error instanceof DomainError && error.id === id && error.message === message;

  it('creates a named key with its allow-list parsed line by line, duplicates dropped', async () => {
    const { id, key } = await accounts.createAccountKey(db.accountId, {
      name: '  Site Web  ',
      allowList: '127.0.0.1\r\n\r\n2001:db8::/32\n203.0.113.0/24, 127.0.0.1\n',
    });
    const stored = await accounts.findAccountKey(db.accountId, id);
    assert.ok(stored);
    assert.equal(stored.name, 'Site Web');
    assert.deepEqual(stored.allowedIps, ['127.0.0.1', '2001:db8::/32', '203.0.113.0/24']);
    assert.equal(stored.keyHash, hashApiKey(key));
    assert.equal(stored.createdAt, 1_800_000_000_000);
    assert.deepEqual(
      (await accounts.listApiKeys(db.accountId)).map((k) => [k.id, k.name]),
      [[id, 'Site Web']],
    );
  });

  it('refuses a bad entry or name before writing anything', async () => {
    const before = await accounts.listApiKeys(db.accountId);
    await assert.rejects(
      accounts.createAccountKey(db.accountId, { name: 'x', allowList: '10.0.0.0/33' }),
      refusal('invalid_allow_entry', '10.0.0.0/33 is not an IP address or CIDR range'),
    );
    await assert.rejects(
      accounts.createAccountKey(db.accountId, { name: '   ', allowList: '' }),
      refusal('invalid_api_key_name', 'Key name must be 1 to 100 characters'),
    );
    await assert.rejects(
      accounts.createAccountKey(db.accountId, { name: 'é'.repeat(101), allowList: '' }),
      refusal('invalid_api_key_name', 'Key name must be 1 to 100 characters'),
    );
    assert.deepEqual(await accounts.listApiKeys(db.accountId), before);
  });

  it('renames and replaces the allow-list together; a bad entry changes neither', async () => {
    const { id } = await accounts.createAccountKey(db.accountId, { name: 'Serveur', allowList: '::1' });
    const updated = await accounts.updateAccountKey(db.accountId, id, {
      name: 'Serveur de l’émission',
      allowList: '198.51.100.7\nfe80::/10',
    });
    assert.deepEqual(updated && [updated.name, updated.allowedIps], [
      'Serveur de l’émission',
      ['198.51.100.7', 'fe80::/10'],
    ]);
    await assert.rejects(
      accounts.updateAccountKey(db.accountId, id, { name: 'Autre', allowList: '198.51.100.7\n1.2.3' }),
      refusal('invalid_allow_entry', '1.2.3 is not an IP address or CIDR range'),
    );
    const stored = await accounts.findAccountKey(db.accountId, id);
    assert.deepEqual(stored && [stored.name, stored.allowedIps], [
      'Serveur de l’émission',
      ['198.51.100.7', 'fe80::/10'],
    ]);
  });

  it('answers another account’s key as not found, and leaves it alone', async () => {
    const { id } = await accounts.createAccountKey(other, { name: 'Theirs', allowList: '127.0.0.1' });
    assert.equal(await accounts.findAccountKey(db.accountId, id), undefined);
    assert.equal(
      await accounts.updateAccountKey(db.accountId, id, { name: 'Mine now', allowList: '0.0.0.0/0' }),
      undefined,
    );
    assert.equal(await accounts.revokeAccountKey(db.accountId, id), false);
    const theirs = await accounts.findAccountKey(other, id);
    assert.deepEqual(theirs && [theirs.name, theirs.allowedIps, theirs.revokedAt], [
      'Theirs',
      ['127.0.0.1'],
      null,
    ]);
    assert.equal(await accounts.revokeAccountKey(other, id), true);
    assert.equal((await accounts.findAccountKey(other, id))?.revokedAt, 1_800_000_000_000);
  });

  it('keeps keys made without a name (CLI, first start) unnamed', async () => {
    const { id } = await accounts.createApiKey(db.accountId, ['127.0.0.1']);
    assert.equal((await accounts.findApiKey(id))?.name, '');
  });
});
