import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../helpers/browser.js';
import { waitFor } from '../helpers/messages.js';
import { parseMime, type MimeEntity } from '../helpers/mime.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { WebClient } from '../helpers/web-client.js';

function textOf(entity: MimeEntity): string {
  return [entity.body, ...entity.parts.map(textOf)].join('\n');
}

describe('web: forgotten password through a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: TestServer;
  before(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({
      env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` },
      config: { mailFrom: 'plateforme@example.org' },
    });
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  test('the emailed single-use link sets a new password; old sessions and the old password are gone', async () => {
    const user = await createUser(server, { role: 'member', language: 'fr' });
    const elsewhere = new WebClient(server.url);
    assert.equal((await elsewhere.signIn(user)).status, 303);

    const client = new WebClient(server.url);
    await client.get('/password/forgot');
    const known = await client.post('/password/forgot', { email: user.email.toUpperCase() });
    assert.equal(known.response.status, 200);
    const unknown = await client.post('/password/forgot', { email: 'nobody@example.com' });
    // The same answer whether or not the address has an account.
    const sentence = (body: string) => /<div class="notice[^>]*>([^<]*)</.exec(body)?.[1];
    assert.equal(sentence(unknown.body), sentence(known.body));

    const mail = await waitFor('the reset email', async () =>
      smtp.received.find((m) => m.to.includes(user.email)),
    );
    assert.equal(smtp.received.filter((m) => m.to.includes('nobody@example.com')).length, 0);
    const text = textOf(parseMime(mail.raw));
    const link = /https?:\/\/\S+\/password\/reset\/([A-Za-z0-9_-]{43})/.exec(text);
    assert.ok(link, `a reset link in:\n${text}`);
    const path = `/password/reset/${link[1]}`;

    const page = await client.get(path);
    assert.equal(page.response.status, 200);
    assert.match(page.body, /Nouveau mot de passe/);
    const mismatch = await client.post(path, { password: 'a brand new secret', confirm: 'another one' });
    assert.equal(mismatch.response.status, 400);
    const short = await client.post(path, { password: 'short', confirm: 'short' });
    assert.equal(short.response.status, 400);
    assert.match(short.body, /au moins 10 caractères/);
    const done = await client.post(path, { password: 'a brand new secret', confirm: 'a brand new secret' });
    assert.equal(done.response.status, 303);
    assert.equal(done.response.headers.get('location'), '/sign-in?notice=passwordSet');

    // Single use.
    assert.equal((await client.get(path)).response.status, 404);
    // The other browser's session ended with the change.
    assert.equal((await elsewhere.get('/')).response.headers.get('location'), '/sign-in');
    // Old password refused, new one accepted.
    assert.equal((await new WebClient(server.url).signIn(user)).status, 401);
    const renewed = await new WebClient(server.url).signIn({ ...user, password: 'a brand new secret' });
    assert.equal(renewed.status, 303);
  });
});
