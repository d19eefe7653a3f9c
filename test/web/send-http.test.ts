import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';

/** The single send page over HTTP: the API's answer, its refusals in French, CSRF. */
describe('web: the single send page over HTTP', () => {
  let server: TestServer;
  let web: WebClient;
  const queued = async () =>
    (
      await server.platform.store.db
        .selectFrom('messages')
        .select('id')
        .where('direction', '=', 'mt')
        .execute()
    ).length;

  before(async () => {
    server = await startTestServer();
    web = new WebClient(server.url);
    assert.equal(
      (await web.signIn(await createUser(server, { role: 'member', language: 'fr' }))).status,
      303,
    );
  });
  after(() => server.close());

  test('sends as send does and shows its answer', async () => {
    await web.get('/send');
    const sent = await web.post('/send', { to: '514 555-0160', message: 'Ça coûte 5 $' });
    assert.equal(sent.response.status, 303);
    const location = sent.response.headers.get('location') ?? '';
    const id = /sent=(\d+)&parts=1&encoding=UCS-2$/.exec(location)?.[1];
    assert.ok(id, location);
    const row = await server.platform.store.db
      .selectFrom('messages')
      .select(['to_number', 'body', 'encoding', 'part_count'])
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      to_number: '15145550160',
      body: 'Ça coûte 5 $',
      encoding: 'UCS-2',
      part_count: 1,
    });
    assert.match(
      (await web.get(location.replace(server.url, ''))).body,
      new RegExp(`Message no ${id} accepté`),
    );
  });

  test('bad input: the API’s refusal in French, 400, nothing queued; CSRF refused', async () => {
    const before = await queued();
    for (const [fields, message] of [
      [{ to: '12', message: 'Allo' }, /Numéro de téléphone invalide\./],
      [{ to: '5145550161', message: '' }, /Un champ obligatoire est vide\./],
      [{ to: '5145550161', message: 'x'.repeat(1531) }, /Le message est trop long\./],
    ] as const) {
      const answer = await web.post('/send', fields);
      assert.equal(answer.response.status, 400, JSON.stringify(fields).slice(0, 60));
      assert.match(answer.body, message);
    }
    assert.equal(
      (await web.post('/send', { to: '5145550161', message: 'Allo' }, { csrf: null })).response.status,
      403,
    );
    assert.equal(await queued(), before);
  });
});
