import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { generateApiKey, hashApiKey, maskApiKey } from '../../src/domain/accounts/api-keys.js';
import { KEY_CACHE_MS } from '../../src/http/auth.js';
import { insertApiKey } from '../../src/store/accounts/keys-repo.js';
import { runCliJson } from '../helpers/cli.js';
import { startTestServer, type ApiResponse, type TestServer } from '../helpers/server.js';

const PER_KEY = 5;
const PER_ACCOUNT = 8;

/** A cheap authenticated call: the account's webhooks (none). */
const ping = (server: TestServer, key: string): Promise<ApiResponse> =>
  server.call('get_webhooks', {}, { key });

async function secondKey(server: TestServer, accountId: number): Promise<string> {
  const key = generateApiKey();
  await insertApiKey(
    server.platform.store.db,
    { accountId, keyHash: hashApiKey(key), masked: maskApiKey(key), allowedIps: ['127.0.0.1', '::1'] },
    Date.now(),
  );
  return key;
}

function assertRefused(response: ApiResponse, error: string, maxRetryAfter: number): void {
  assert.equal(response.status, 429);
  assert.deepEqual(response.body, { status: false, error });
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxRetryAfter,
    `Retry-After ${retryAfter}`,
  );
  assert.equal(response.headers.get('x-ratelimit-remaining'), '0');
}

describe('rate limits: per key, per account, per day (429, Retry-After)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      env: { RATE_LIMIT_PER_KEY: String(PER_KEY), RATE_LIMIT_PER_ACCOUNT: String(PER_ACCOUNT) },
    });
  });
  after(async () => server?.close());

  it('a key gets its limit per minute, counted down in x-ratelimit-remaining, then 429', async () => {
    const account = await server.createAccount({ name: 'Per key' });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < PER_KEY; i++) {
      const response = await ping(server, account.key);
      assert.equal(response.status, 200);
      remaining.push(response.headers.get('x-ratelimit-remaining'));
      assert.equal(response.headers.get('x-ratelimit-limit'), String(PER_KEY));
    }
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);
    assertRefused(
      await ping(server, account.key),
      `Rate limit exceeded: ${PER_KEY} requests per minute for this API key`,
      60,
    );
  });

  it("a key over its limit leaves the account's other keys their share of the account's limit", async () => {
    const account = await server.createAccount({ name: 'Two keys' });
    const other = await secondKey(server, account.id);
    for (let i = 0; i < PER_KEY; i++) assert.equal((await ping(server, account.key)).status, 200);
    assert.equal((await ping(server, account.key)).status, 429);
    // The account counted 6 calls (a refused one counts too): 2 left for the other key.
    assert.equal((await ping(server, other)).status, 200);
    assert.equal((await ping(server, other)).status, 200);
    assertRefused(
      await ping(server, other),
      `Rate limit exceeded: ${PER_ACCOUNT} requests per minute for this account`,
      60,
    );
    // Another account is not affected.
    assert.equal((await ping(server, server.account.key)).status, 200);
  });

  it('an unauthenticated call counts against nothing and carries no rate headers', async () => {
    const response = await ping(server, 'not-a-key');
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('x-ratelimit-limit'), null);
  });

  it("`vudumobile account limits` sets an account's own per-minute and per-day limits, and default restores", async () => {
    const account = await server.createAccount({ name: 'Quota' });
    const other = await secondKey(server, account.id);
    const env = { DATABASE_URL: server.platform.ctx.config.databaseUrl };
    assert.deepEqual(runCliJson(['account', 'limits', String(account.id), '--per-day', '3'], env), {
      account: account.id,
      per_minute: null,
      per_day: 3,
    });
    // The servers read an account's limits with its key, cached for KEY_CACHE_MS.
    await sleep(KEY_CACHE_MS + 100);
    for (let i = 0; i < 3; i++) assert.equal((await ping(server, i === 1 ? other : account.key)).status, 200);
    const refused = await ping(server, other);
    assertRefused(refused, 'Rate limit exceeded: 3 requests per day for this account', 86_400);
    assert.ok(Number(refused.headers.get('retry-after')) > 3600, 'a daily quota waits for its day to end');

    assert.deepEqual(
      runCliJson(['account', 'limits', String(account.id), '--per-day', 'default', '--per-minute', '2'], env),
      { account: account.id, per_minute: 2, per_day: null },
    );
    await sleep(KEY_CACHE_MS + 100);
    // Its own per-minute limit (2) replaces the platform's (8): the third call of a minute at most is
    // refused (this minute may have counted the calls above already, or started since).
    const calls: ApiResponse[] = [];
    for (let i = 0; i < 3; i++) calls.push(await ping(server, account.key));
    const firstRefused = calls.findIndex((call) => call.status === 429);
    const refusal = calls[firstRefused];
    assert.ok(refusal, 'refused by the minute limit');
    assert.ok(calls.slice(0, firstRefused).every((call) => call.status === 200));
    assertRefused(refusal, 'Rate limit exceeded: 2 requests per minute for this account', 60);
    assert.deepEqual(runCliJson(['account', 'limits', String(account.id)], env), {
      account: account.id,
      per_minute: 2,
      per_day: null,
    });
  });
});

describe('rate limits: none configured', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.close());

  it('no limit, no counter, no rate headers', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await ping(server, server.account.key);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-ratelimit-limit'), null);
    }
  });
});
