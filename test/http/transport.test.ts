import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('every request path answers JSON', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const raw = (path: string, init?: RequestInit): Promise<Response> => fetch(`${server.url}${path}`, init);

  it('answers GET /api/send without a key with the 401 JSON error (the source’s wget diagnostic)', async () => {
    const response = await raw('/api/send');
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await response.json(), { status: false, error: 'API Key parameter is missing' });
  });

  it('answers an unknown path with 404 Unknown API endpoint', async () => {
    const response = await raw('/api/nope', { method: 'POST' });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { status: false, error: 'Unknown API endpoint' });
  });

  it('answers another method with 405 Method not allowed', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const response = await raw('/api/send', { method });
      assert.equal(response.status, 405, method);
      assert.deepEqual(await response.json(), { status: false, error: 'Method not allowed' });
    }
  });

  it('refuses an unknown key and an empty key', async () => {
    assert.deepEqual((await server.call('get_groups', {}, { key: 'nope' })).body, {
      status: false,
      error: 'Invalid API key',
    });
    const empty = await server.call('get_groups', {}, { key: '' });
    assert.equal(empty.status, 401);
    assert.deepEqual(empty.body, { status: false, error: 'API Key parameter is missing' });
  });

  it('publishes the OpenAPI description', async () => {
    const response = await raw('/api/openapi.json');
    assert.equal(response.status, 200);
    const doc = (await response.json()) as { openapi: string; info: { title: string } };
    assert.match(doc.openapi, /^3\./);
    assert.equal(doc.info.title, 'VuduMobile API');
  });

  it('serves the default contact icon', async () => {
    const response = await raw('/assets/images/contact_icons/default.png');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
  });
});
