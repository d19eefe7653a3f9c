import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';

describe('web: sessions, CSRF, headers, throttling (HTTP)', () => {
  let server: TestServer;
  before(async () => {
    // Loopback is a trusted proxy here, so X-Forwarded-Proto decides whether the visit is HTTPS.
    server = await startTestServer({ env: { TRUSTED_PROXIES: '127.0.0.1,::1' } });
  });
  after(async () => server?.close());

  test('the session cookie is HttpOnly, SameSite=Lax, and Secure only over HTTPS', async () => {
    const user = await createUser(server, { role: 'member' });
    const plain = new WebClient(server.url);
    await plain.get('/sign-in');
    const { response } = await plain.post('/sign-in', { email: user.email, password: user.password });
    assert.equal(response.status, 303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('vm_session='));
    assert.ok(cookie);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/);

    const https = new WebClient(server.url);
    await https.get('/sign-in', { 'x-forwarded-proto': 'https' });
    const secured = await https.post(
      '/sign-in',
      { email: user.email, password: user.password },
      { headers: { 'x-forwarded-proto': 'https' } },
    );
    assert.equal(secured.response.status, 303);
    const secureCookie = secured.response.headers.getSetCookie().find((c) => c.startsWith('vm_session='));
    assert.match(secureCookie ?? '', /; Secure/);
  });

  test('a state-changing request without the CSRF token is refused and changes nothing', async () => {
    const user = await createUser(server, { role: 'member' });
    const client = new WebClient(server.url);
    await client.get('/sign-in');
    const refused = await client.post(
      '/sign-in',
      { email: user.email, password: user.password },
      { csrf: null },
    );
    assert.equal(refused.response.status, 403);
    assert.equal(client.cookie('vm_session'), undefined);
    const forged = await client.post(
      '/sign-in',
      { email: user.email, password: user.password },
      { csrf: 'A'.repeat(32) },
    );
    assert.equal(forged.response.status, 403);

    assert.equal((await client.signIn(user)).status, 303);
    // Signed in: signing out without the token does not sign out.
    const noToken = await client.post('/sign-out', {}, { csrf: null });
    assert.equal(noToken.response.status, 403);
    const crossSite = await client.post('/sign-out', {}, { headers: { origin: 'https://evil.example' } });
    assert.equal(crossSite.response.status, 403);
    const home = async () => {
      const { response } = await client.get('/');
      return response.status === 200 ? 'the dashboard' : response.headers.get('location');
    };
    assert.equal(await home(), 'the dashboard', 'still signed in');
    const out = await client.post('/sign-out');
    assert.equal(out.response.status, 303);
    assert.equal(await home(), '/sign-in');
  });

  test('sign-in throttling engages per account and per address, with one generic answer', async () => {
    const user = await createUser(server, { role: 'member' });
    const client = new WebClient(server.url);
    await client.get('/sign-in');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const { response } = await client.post('/sign-in', { email: user.email, password: `wrong ${i}` });
      statuses.push(response.status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array<number>(10).fill(401));
    assert.equal(statuses[10], 429);
    // While throttled even the right password is refused.
    const right = await client.post('/sign-in', { email: user.email, password: user.password });
    assert.equal(right.response.status, 429);
    assert.match(right.body, /Trop de tentatives/);
    assert.equal(client.cookie('vm_session'), undefined);

    // From one address, failures across many emails add up too.
    const spray = new WebClient(server.url);
    await spray.get('/sign-in');
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) {
      const { response } = await spray.post(
        '/sign-in',
        { email: `nobody${i}@example.com`, password: 'guess' },
        { headers: { 'x-forwarded-for': '203.0.113.9' } },
      );
      last = response.status;
    }
    assert.equal(last, 429);
  });

  test('pages carry a strict CSP and are not cached; sign-in does not redirect off-site', async () => {
    const user = await createUser(server, { role: 'member' });
    const { response } = await new WebClient(server.url).get('/sign-in');
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', '/groups']) {
      const client = new WebClient(server.url);
      await client.get('/sign-in');
      const { response: signedIn } = await client.post('/sign-in', {
        email: user.email,
        password: user.password,
        next,
      });
      assert.equal(signedIn.headers.get('location'), next === '/groups' ? '/groups' : '/', next);
    }
  });

  test('unknown pages answer an HTML 404; the API keeps its JSON', async () => {
    const page = await fetch(`${server.url}/no-such-page`);
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /Cette page n’existe pas/);
    const api = await fetch(`${server.url}/api/no_such_endpoint`);
    assert.equal(api.status, 404);
    assert.deepEqual(await api.json(), { status: false, error: 'Unknown API endpoint' });
  });

  test('static assets are cached for a year and served gzipped', async () => {
    const { body } = await new WebClient(server.url).get('/sign-in');
    const css = /href="(\/static\/app\.css\?v=[^"]+)"/.exec(body)?.[1];
    assert.ok(css);
    const response = await fetch(server.url + css, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(response.headers.get('content-encoding'), 'gzip');
  });
});
