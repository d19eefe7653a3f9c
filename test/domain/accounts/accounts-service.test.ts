import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountSettings } from '../../../src/domain/accounts/account-settings.js';
import type { Account, ApiKey, NewAccount } from '../../../src/domain/accounts/accounts.js';
import { AccountsService } from '../../../src/domain/accounts/accounts-service.js';
import { hashApiKey } from '../../../src/domain/accounts/api-keys.js';
import { DomainError, type ErrorId } from '../../../src/domain/errors.js';
import type { AccountsStore, NewApiKey } from '../../../src/domain/ports/accounts-store.js';

/** The accounts store in memory: rows in arrays, ids from 1, the calls counted. */
class MemoryAccountsStore implements AccountsStore {
  readonly accounts: Account[] = [];
  readonly senders: { accountId: number; number: string }[] = [];
  readonly keys: ApiKey[] = [];
  reads = 0;

  async createAccount(input: NewAccount, now: number): Promise<number> {
    const id = this.accounts.length + 1;
    this.accounts.push({
      id,
      name: input.name,
      defaultLanguage: input.defaultLanguage,
      defaultCountry: input.defaultCountry,
      mailFrom: input.mailFrom,
      detailedStatus: true,
      createdAt: now,
      limits: { perMinute: null, perDay: null },
      quietHours: input.quietHours ?? null,
      timeZone: 'America/Toronto',
    });
    for (const number of input.senders) this.senders.push({ accountId: id, number });
    return id;
  }
  async countAccounts(): Promise<number> {
    return this.accounts.length;
  }
  async findAccount(id: number): Promise<Account | undefined> {
    this.reads++;
    return this.accounts.find((a) => a.id === id);
  }
  async listAccounts(): Promise<Account[]> {
    return [...this.accounts];
  }
  async setAccountLimits(id: number, limits: Account['limits']): Promise<boolean> {
    const at = this.accounts.findIndex((a) => a.id === id);
    const account = this.accounts[at];
    if (!account) return false;
    this.accounts[at] = { ...account, limits };
    return true;
  }
  async setQuietHours(id: number, quietHours: Account['quietHours'], timeZone: string): Promise<boolean> {
    const at = this.accounts.findIndex((a) => a.id === id);
    const account = this.accounts[at];
    if (!account) return false;
    this.accounts[at] = { ...account, quietHours, timeZone };
    return true;
  }
  async listSenders(accountId: number): Promise<string[]> {
    return this.senders.filter((s) => s.accountId === accountId).map((s) => s.number);
  }
  async findSenderAccount(number: string): Promise<number | undefined> {
    return this.senders.find((s) => s.number === number)?.accountId;
  }
  async addSender(accountId: number, number: string): Promise<boolean> {
    if (this.senders.some((s) => s.number === number)) return false;
    this.senders.push({ accountId, number });
    return true;
  }
  async updateAccount(id: number, settings: AccountSettings): Promise<boolean> {
    const at = this.accounts.findIndex((a) => a.id === id);
    const account = this.accounts[at];
    if (!account) return false;
    this.accounts[at] = { ...account, ...settings };
    return true;
  }
  async removeSender(accountId: number, number: string): Promise<boolean> {
    const at = this.senders.findIndex((s) => s.accountId === accountId && s.number === number);
    if (at === -1) return false;
    this.senders.splice(at, 1);
    return true;
  }
  async insertApiKey(input: NewApiKey, now: number): Promise<number> {
    const id = this.keys.length + 1;
    this.keys.push({ id, ...input, createdAt: now, revokedAt: null });
    return id;
  }
  async findApiKeyByHash(keyHash: string): Promise<ApiKey | undefined> {
    this.reads++;
    return this.keys.find((k) => k.keyHash === keyHash);
  }
  async findApiKey(id: number): Promise<ApiKey | undefined> {
    return this.keys.find((k) => k.id === id);
  }
  async listApiKeys(accountId?: number): Promise<ApiKey[]> {
    return this.keys.filter((k) => accountId === undefined || k.accountId === accountId);
  }
  async revokeApiKey(id: number, now: number): Promise<boolean> {
    const at = this.keys.findIndex((k) => k.id === id && k.revokedAt === null);
    const key = this.keys[at];
    if (!key) return false;
    this.keys[at] = { ...key, revokedAt: now };
    return true;
  }
  async setAllowedIps(id: number, entries: readonly string[]): Promise<void> {
    const at = this.keys.findIndex((k) => k.id === id);
    const key = this.keys[at];
    if (key) this.keys[at] = { ...key, allowedIps: entries };
  }
  async updateApiKey(id: number, changes: { name: string; allowedIps: readonly string[] }): Promise<void> {
    const at = this.keys.findIndex((k) => k.id === id);
    const key = this.keys[at];
    if (key) this.keys[at] = { ...key, ...changes };
  }
}

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

function setUp(): { store: MemoryAccountsStore; accounts: AccountsService } {
  const store = new MemoryAccountsStore();
  return { store, accounts: new AccountsService(store, () => NOW) };
}

async function accountWithKey(
  allowedIps: readonly string[],
): Promise<{ store: MemoryAccountsStore; accounts: AccountsService; key: string; keyId: number }> {
  const { store, accounts } = setUp();
  const accountId = await accounts.createAccount({
    name: 'CKOI',
    defaultLanguage: 'fr',
    defaultCountry: 'CA',
    mailFrom: null,
    senders: ['15149541234'],
  });
  const { id, key } = await accounts.createApiKey(accountId, allowedIps);
  return { store, accounts, key, keyId: id };
}

function domainError(id: ErrorId, message: string): (error: unknown) => boolean {
  return (error) => error instanceof DomainError && error.id === id && error.message === message;
}

describe('AccountsService: the key check (contract §2)', () => {
  it('stores a new key hashed and masked, never the key itself', async () => {
    const { store, key } = await accountWithKey(['127.0.0.1']);
    assert.match(key, /^[A-Za-z0-9]{32}$/);
    assert.deepEqual(store.keys, [
      {
        id: 1,
        accountId: 1,
        name: '',
        keyHash: hashApiKey(key),
        masked: `${key.slice(0, 6)}*****${key.slice(-5)}`,
        allowedIps: ['127.0.0.1'],
        createdAt: NOW,
        revokedAt: null,
      },
    ]);
  });

  it('verifies a known key with one read of the key and one of its account', async () => {
    const { store, accounts, key, keyId } = await accountWithKey(['127.0.0.1']);
    store.reads = 0;
    const credential = await accounts.verifyKey(hashApiKey(key));
    assert.equal(store.reads, 2);
    assert.equal(credential.keyId, keyId);
    assert.equal(credential.account.name, 'CKOI');
  });

  it('refuses an unknown key and a revoked key with 401 Invalid API key', async () => {
    const { accounts, key, keyId } = await accountWithKey(['127.0.0.1']);
    await assert.rejects(
      accounts.verifyKey(hashApiKey('not-a-key')),
      domainError('invalid_api_key', 'Invalid API key'),
    );
    assert.equal(await accounts.revokeApiKey(keyId), true);
    await assert.rejects(
      accounts.verifyKey(hashApiKey(key)),
      domainError('invalid_api_key', 'Invalid API key'),
    );
    assert.equal(await accounts.revokeApiKey(99), false);
  });

  it('refuses a key whose account is gone', async () => {
    const { store, accounts, key } = await accountWithKey(['127.0.0.1']);
    store.accounts.length = 0;
    await assert.rejects(
      accounts.verifyKey(hashApiKey(key)),
      domainError('invalid_api_key', 'Invalid API key'),
    );
  });
});

describe('AccountsService: the IP allow-list decision (contract §2)', () => {
  it('allows an address on the list, a CIDR range, and an IPv4-mapped IPv6 peer', async () => {
    const { accounts, key } = await accountWithKey(['127.0.0.1', '10.0.0.0/8', '2001:db8::/32']);
    const credential = await accounts.verifyKey(hashApiKey(key));
    for (const address of ['127.0.0.1', '10.20.30.40', '::ffff:10.1.2.3', '2001:db8::7']) {
      assert.deepEqual(accounts.authorize(credential, address), { account: credential.account, keyId: 1 });
    }
  });

  it('refuses any other address with 403, naming the plain address and the masked key', async () => {
    const { accounts, key } = await accountWithKey(['10.0.0.0/8']);
    const credential = await accounts.verifyKey(hashApiKey(key));
    const masked = `${key.slice(0, 6)}*****${key.slice(-5)}`;
    assert.throws(
      () => accounts.authorize(credential, '::ffff:192.0.2.1'),
      domainError(
        'ip_not_allowed',
        `The API is not accessible from your IP (192.0.2.1) using API key ${masked}`,
      ),
    );
  });

  it('denies every address when the list is empty (the source’s default)', async () => {
    const { accounts, key } = await accountWithKey([]);
    const credential = await accounts.verifyKey(hashApiKey(key));
    assert.throws(
      () => accounts.authorize(credential, '127.0.0.1'),
      (e) => e instanceof DomainError && e.id === 'ip_not_allowed',
    );
  });

  it('adds entries to an allow-list once and removes them', async () => {
    const { accounts, keyId } = await accountWithKey(['127.0.0.1']);
    assert.deepEqual(await accounts.changeAllowList(keyId, 'allow', ['10.0.0.0/8', '127.0.0.1']), [
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
    assert.deepEqual(await accounts.changeAllowList(keyId, 'deny', ['127.0.0.1']), ['10.0.0.0/8']);
    assert.equal(await accounts.changeAllowList(99, 'allow', ['::1']), undefined);
  });
});

describe('AccountsService: accounts and senders', () => {
  it('creates the first-run account once: fr, CA, a loopback-only key', async () => {
    const { store, accounts } = setUp();
    const first = await accounts.createFirstRunAccount();
    assert.ok(first);
    assert.equal(first.accountId, 1);
    assert.deepEqual(
      store.accounts.map((a) => [a.name, a.defaultLanguage, a.defaultCountry, a.mailFrom]),
      [['Default', 'fr', 'CA', null]],
    );
    assert.deepEqual(
      store.keys.map((k) => [k.keyHash, k.allowedIps]),
      [[hashApiKey(first.key), ['127.0.0.0/8', '::1']]],
    );
    assert.equal(await accounts.createFirstRunAccount(), undefined);
  });

  it('gives a sender number to one account only', async () => {
    const { accounts } = await accountWithKey([]);
    const other = await accounts.createAccount({
      name: 'Rythme',
      defaultLanguage: 'en',
      defaultCountry: 'CA',
      mailFrom: null,
      senders: [],
    });
    assert.deepEqual(await accounts.addSender(other, '15149541234'), { added: false, owner: 1 });
    assert.deepEqual(await accounts.addSender(other, '24680'), { added: true });
    assert.deepEqual(await accounts.listSenders(other), ['24680']);
    assert.equal(await accounts.removeSender(1, '24680'), false);
    assert.deepEqual(
      (await accounts.listAccounts()).map((a) => [a.id, a.senders]),
      [
        [1, ['15149541234']],
        [2, ['24680']],
      ],
    );
  });
});
