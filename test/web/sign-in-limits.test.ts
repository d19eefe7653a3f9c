import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';

const PER_EMAIL = 3;
const PER_ADDRESS = 5;

describe('web: the sign-in rate limiter, per email and per address (shared counters)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      env: { SIGN_IN_LIMIT_PER_EMAIL: String(PER_EMAIL), SIGN_IN_LIMIT_PER_IP: String(PER_ADDRESS) },
    });
  });
  after(async () => server?.close());

  test('past the limit of an email, attempts are refused (429, Retry-After) before the password is checked', async () => {
    const user = await createUser(server, { role: 'member' });
    const other = await createUser(server, { role: 'member' });
    const client = new WebClient(server.url);
    await client.get('/sign-in');
    const statuses: number[] = [];
    for (let i = 0; i < PER_EMAIL; i++) {
      statuses.push(
        (await client.post('/sign-in', { email: user.email, password: `wrong ${i}` })).response.status,
      );
    }
    assert.deepEqual(statuses, [401, 401, 401]);

    // The right password now: refused all the same, the limit comes first.
    const right = await client.post('/sign-in', {
      email: ` ${user.email.toUpperCase()} `,
      password: user.password,
    });
    assert.equal(right.response.status, 429);
    const retryAfter = Number(right.response.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.match(right.body, /Trop de tentatives de connexion\. Réessayez dans une minute\./);
    assert.equal(client.cookie('vm_session'), undefined);

    // Another email from the same address: its one attempt left under the address's limit (5).
    const signedIn = await client.post('/sign-in', { email: other.email, password: other.password });
    assert.equal(signedIn.response.status, 303);
    const anyone = new WebClient(server.url);
    await anyone.get('/sign-in');
    const refused = await anyone.post('/sign-in', {
      email: 'nobody@example.com',
      password: 'whatever it is',
    });
    assert.equal(refused.response.status, 429, 'the address has used its 5 attempts this minute');
  });
});
