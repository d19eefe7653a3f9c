import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateApiKey, hashApiKey, maskApiKey } from '../../src/domain/accounts/api-keys.js';
import { KEY_CACHE_MS } from '../../src/http/auth.js';
import { insertApiKey, revokeApiKey } from '../../src/store/accounts/keys-repo.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

async function addKey(
  server: TestServer,
  allowedIps: string[],
  accountId = server.account.id,
): Promise<{ key: string; id: number }> {
  const key = generateApiKey();
  const id = await insertApiKey(
    server.platform.store.db,
    { accountId, keyHash: hashApiKey(key), masked: maskApiKey(key), allowedIps },
    Date.now(),
  );
  return { key, id };
}

describe('authentication and the IP firewall (contract §2)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('masks a key as first 6, *****, last 5 (the contract’s rule; its example shows six at the end)', () => {
    assert.equal(maskApiKey('25cKYqABCDEFGHIJKLMN36wDAY'), '25cKYq*****6wDAY');
  });

  it('refuses a key from an IP not on its list with the 403 text and the masked key', async () => {
    const { key } = await addKey(server, ['10.0.0.0/8', '2001:db8::/32']);
    const response = await server.call('get_groups', {}, { key });
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, {
      status: false,
      error: `The API is not accessible from your IP (127.0.0.1) using API key ${key.slice(0, 6)}*****${key.slice(-5)}`,
    });
  });

  it('denies every IP when the allow-list is empty (the source’s default)', async () => {
    const { key } = await addKey(server, []);
    assert.equal((await server.call('get_groups', {}, { key })).status, 403);
  });

  it('allows a CIDR range and reads the header case-insensitively', async () => {
    const { key } = await addKey(server, ['127.0.0.0/8']);
    const response = await server.call(
      'get_groups',
      {},
      { key: null, headers: { 'vuduMobile-api-KEY': key } },
    );
    assert.equal(response.status, 200);
  });

  it('refuses a revoked key with 401 Invalid API key (within the key cache’s second)', async () => {
    const { key, id } = await addKey(server, ['127.0.0.1']);
    assert.equal((await server.call('get_groups', {}, { key })).status, 200);
    await revokeApiKey(server.platform.store.db, id, Date.now());
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_MS + 50)); // the documented delay
    const response = await server.call('get_groups', {}, { key });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { status: false, error: 'Invalid API key' });
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const { key } = await addKey(server, ['203.0.113.0/24']);
    const response = await server.call(
      'get_groups',
      {},
      { key, headers: { 'x-forwarded-for': '203.0.113.7' } },
    );
    assert.equal(response.status, 403);
    assert.match(response.body.error, /\(127\.0\.0\.1\)/);
  });
});

describe('behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
  });
  after(() => server.close());

  it('takes the client IP from X-Forwarded-For and writes it plainly in the 403', async () => {
    const { key } = await addKey(server, ['203.0.113.0/24']);
    const allowed = await server.call(
      'get_groups',
      {},
      { key, headers: { 'x-forwarded-for': '203.0.113.7' } },
    );
    assert.equal(allowed.status, 200);
    const refused = await server.call(
      'get_groups',
      {},
      { key, headers: { 'x-forwarded-for': '198.51.100.4' } },
    );
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.error,
      `The API is not accessible from your IP (198.51.100.4) using API key ${maskApiKey(key)}`,
    );
  });
});

describe('over IPv6', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { host: '::1' } });
  });
  after(() => server.close());

  it('matches IPv6 addresses and ranges', async () => {
    const v4only = await addKey(server, ['127.0.0.1']);
    const refused = await server.call('get_groups', {}, { key: v4only.key });
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.error,
      `The API is not accessible from your IP (::1) using API key ${maskApiKey(v4only.key)}`,
    );
    const range = await addKey(server, ['::/64']);
    assert.equal((await server.call('get_groups', {}, { key: range.key })).status, 200);
  });
});
