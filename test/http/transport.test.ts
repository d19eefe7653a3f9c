import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allEndpoints } from '../../src/http/routes/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('every request path answers JSON', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const raw = (path: string, init?: RequestInit): Promise<Response> => fetch(`${server.url}${path}`, init);

  it('answers a GET without a key with the 401 JSON error (the source’s wget diagnostic)', async () => {
    const response = await raw('/api/get_groups');
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
    type Schema = { properties: Record<string, { 'x-extension'?: boolean; description: string }> };
    const doc = (await response.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<
        string,
        { post: { requestBody: { content: Record<string, { schema: Schema }> } }; get: object }
      >;
    };
    assert.match(doc.openapi, /^3\./);
    assert.equal(doc.info.title, 'VuduMobile API');
    const endpoints = allEndpoints(server.platform.ctx);
    assert.ok(endpoints.length >= 9);
    for (const { name } of endpoints) {
      const path = doc.paths[`/api/${name}`];
      assert.ok(path?.post && path.get, `${name} is described for POST and GET`);
    }
    const getContacts =
      doc.paths['/api/get_contacts']?.post.requestBody.content['application/x-www-form-urlencoded']?.schema;
    assert.equal(getContacts?.properties.group?.['x-extension'], undefined);
    assert.equal(getContacts?.properties.limit?.['x-extension'], true);
    assert.match(getContacts?.properties.limit?.description ?? '', /\(extension\)$/);
    const docs = await raw('/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
  });

  it('serves Prometheus metrics with request counts by endpoint and status', async () => {
    await server.call('get_groups');
    await raw('/api/no_such_thing', { method: 'POST' });
    const text = await (await raw('/metrics')).text();
    assert.match(text, /vudumobile_api_requests_total\{endpoint="get_groups",status="200"\} [1-9]/);
    assert.match(text, /vudumobile_api_requests_total\{endpoint="other",status="404"\} [1-9]/);
    assert.match(text, /vudumobile_process_resident_memory_bytes \d+/);
  });

  it('reports the transports and their connectors at /health', async () => {
    const response = await raw('/health');
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      status: boolean;
      sms: { transport: string; connectors: unknown[] };
    };
    assert.equal(body.status, true);
    assert.equal(body.sms.transport, server.platform.ctx.sms.kind);
    assert.deepEqual(body.sms.connectors, [
      { name: 'sandbox', state: 'sandbox', detail: 'no SMS leaves this machine' },
    ]);
  });

  it('serves the default contact icon', async () => {
    const response = await raw('/assets/images/contact_icons/default.png');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
  });

  const authed = (body: string | Buffer, contentType?: string): RequestInit => ({
    method: 'POST',
    headers: {
      'VUDUMOBILE-API-KEY': server.account.key,
      ...(contentType ? { 'content-type': contentType } : {}),
    },
    body,
  });

  it('answers bodies it cannot take with the documented 4xx JSON', async () => {
    const cases: [RequestInit, number, string][] = [
      [
        authed('name=x&number=' + 'a'.repeat(1024 * 1024 + 10), 'application/x-www-form-urlencoded'),
        413,
        'Request body too large',
      ],
      [authed('{"number": ', 'application/json'), 400, 'Invalid request body'],
      [authed('[1,2]', 'application/json'), 400, 'Invalid request body'],
      [authed('{"number": {"$gt": ""}}', 'application/json'), 400, 'Invalid request body'],
      [authed('number=15145550001', 'text/plain'), 415, 'Unsupported content type'],
      [authed('<x/>', 'application/xml'), 415, 'Unsupported content type'],
      [authed('garbage without boundary', 'multipart/form-data; boundary=zzz'), 400, 'Invalid request body'],
      [
        authed(Buffer.from('number=15145550001&name=%C3%28'), 'application/x-www-form-urlencoded'),
        400,
        'Invalid UTF-8 in request parameters',
      ],
      [
        authed(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff, 0xfe]), 'application/x-www-form-urlencoded'),
        400,
        'Invalid UTF-8 in request parameters',
      ],
      [
        authed(
          Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3]), Buffer.from('"}')]),
          'application/json',
        ),
        400,
        'Invalid UTF-8 in request parameters',
      ],
    ];
    for (const [init, status, error] of cases) {
      const response = await raw('/api/post_contact', init);
      assert.equal(response.status, status, `${error}: ${String(init.body).slice(0, 40)}`);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(await response.json(), { status: false, error });
    }
    const query = await raw('/api/get_contact?number=%FF', {
      headers: { 'VUDUMOBILE-API-KEY': server.account.key },
    });
    assert.deepEqual(await query.json(), { status: false, error: 'Invalid UTF-8 in request parameters' });
    // None of the refused requests left a contact behind.
    const everyone = await server.call('get_contacts', { group: 'Tous' });
    assert.deepEqual(everyone.body.contacts, []);
  });

  it('refuses an over-long parameter value and treats SQL as plain text', async () => {
    const long = await server.call('post_contact', { email: 'a@b.co', name: 'x'.repeat(5000) });
    assert.deepEqual(long.body, { status: false, error: 'name is too long' });
    const sql = "Robert'); DROP TABLE contacts; --";
    const added = await server.call('post_contact', { email: 'bobby@tables.example', name: sql });
    assert.equal(added.body.contact[0].name, sql);
    const group = await server.call('get_contacts', { group: "' OR 1=1 --" });
    assert.deepEqual(group.body, { status: false, error: 'group not found' });
    assert.equal(
      (await server.call('get_contact', { email: 'bobby@tables.example' })).body.contact[0].name,
      sql,
    );
  });

  it('refuses a NUL character in a parameter on both stores (PostgreSQL text cannot hold it; found by the campaign)', async () => {
    const group = await server.call('delete_group', { group: 'Team\u0000' });
    assert.deepEqual(group.body, { status: false, error: 'group must not contain a NUL character' });
    assert.equal(group.status, 400);
    const json = await raw(
      '/api/post_contact',
      authed(JSON.stringify({ number: '15145550010', name: 'a\u0000b' }), 'application/json'),
    );
    assert.equal(json.status, 400);
    assert.deepEqual(await json.json(), { status: false, error: 'name must not contain a NUL character' });
  });

  it('takes form parameters over query parameters, and + as a space', async () => {
    const response = await raw(
      '/api/post_contact?name=FromQuery&number=15145550009',
      authed('name=From+Form', 'application/x-www-form-urlencoded'),
    );
    const body = (await response.json()) as { contact: { name: string; number: string }[] };
    assert.equal(body.contact[0]?.name, 'From Form');
    assert.equal(body.contact[0]?.number, '15145550009');
  });
});
