import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'operator-token-0123456789abcdef';

/** The headers every answer carries (SECURITY.md). */
function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
  assert.equal(headers.get('referrer-policy'), 'same-origin', what);
}

describe('security headers on every answer; HSTS over HTTPS only', () => {
  let server: TestServer;
  before(async () => {
    // Loopback is a trusted proxy here, so X-Forwarded-Proto decides whether the visit is HTTPS.
    server = await startTestServer({ env: { TRUSTED_PROXIES: '127.0.0.1,::1' } });
  });
  after(async () => server?.close());

  it('API answers (200, 401, 404, 415), pages, static files, /health and /metrics', async () => {
    const answers: [string, Response][] = [
      [
        'api 200',
        await fetch(`${server.url}/api/get_webhooks`, {
          headers: { 'VUDUMOBILE-API-KEY': server.account.key },
        }),
      ],
      ['api 401', await fetch(`${server.url}/api/get_webhooks`)],
      ['api 404', await fetch(`${server.url}/api/nothing_here`)],
      [
        'api 415',
        await fetch(`${server.url}/api/send`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        }),
      ],
      ['page', await fetch(`${server.url}/sign-in`)],
      ['page 404', await fetch(`${server.url}/nowhere`)],
      ['health', await fetch(`${server.url}/health`)],
      ['metrics', await fetch(`${server.url}/metrics`)],
      ['openapi', await fetch(`${server.url}/api/openapi.json`)],
      ['static', await fetch(`${server.url}/static/app.css`)],
      ['contact icon', await fetch(`${server.url}/assets/images/contact_icons/default.png`)],
    ];
    for (const [what, response] of answers) {
      await response.arrayBuffer();
      assertSecurityHeaders(response.headers, what);
      assert.equal(
        response.headers.get('strict-transport-security'),
        null,
        `${what}: no HSTS over plain HTTP`,
      );
    }
    // Each header once: the pages' own set and the global hook do not both add theirs.
    const page = await fetch(`${server.url}/sign-in`);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  it('Strict-Transport-Security when the request came over HTTPS through a trusted proxy', async () => {
    for (const path of ['/api/get_webhooks', '/sign-in']) {
      const response = await fetch(`${server.url}${path}`, {
        headers: { 'x-forwarded-proto': 'https', 'VUDUMOBILE-API-KEY': server.account.key },
      });
      await response.arrayBuffer();
      assert.equal(
        response.headers.get('strict-transport-security'),
        'max-age=31536000; includeSubDomains',
        path,
      );
    }
  });
});

describe('METRICS_TOKEN: /metrics and /health behind a bearer token', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
  });
  after(async () => server?.close());

  it('without the token or with a wrong one: 401 in the contract shape; with it: the usual answer', async () => {
    for (const path of ['/metrics', '/health']) {
      for (const authorization of [
        undefined,
        'Bearer wrong-token-0123456789abcdef',
        `Basic ${TOKEN}`,
        TOKEN,
      ]) {
        const response = await fetch(`${server.url}${path}`, {
          headers: authorization === undefined ? {} : { authorization },
        });
        assert.equal(response.status, 401, `${path} with ${authorization ?? 'nothing'}`);
        assert.deepEqual(await response.json(), {
          status: false,
          error: 'Authorization: Bearer <METRICS_TOKEN> required',
        });
      }
    }
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /vudumobile_api_requests_total/);
    const health = await fetch(`${server.url}/health`, { headers: { authorization: `bearer ${TOKEN}` } });
    assert.equal(health.status, 200);
    assert.match(await health.text(), /^\{"status":true,"sms":/);
    // The API itself is not affected.
    assert.equal((await server.call('get_webhooks')).status, 200);
  });

  it('a token shorter than 16 characters is refused at start-up', async () => {
    await assert.rejects(
      startTestServer({ env: { METRICS_TOKEN: 'short' } }),
      /METRICS_TOKEN: expected at least 16 characters/,
    );
  });
});
