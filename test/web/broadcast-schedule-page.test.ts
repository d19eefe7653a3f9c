import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatUtc } from '../../src/domain/common/dates.js';
import { ZonedFormatter } from '../../src/domain/common/timezone.js';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { createUser } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';

/** The confirmation page's "later": read in the user's zone (America/Toronto), a past date refused. */
describe('web: scheduling a broadcast in the user’s time zone', () => {
  let server: TestServer;
  let web: WebClient;
  let id: string;

  before(async () => {
    server = await startTestServer({ role: 'api' });
    const db = server.platform.store.db;
    await makeGroup(db, server.account.id, 'Auditeurs', [await makeContact(db, server.account.id)]);
    const added = await server.call('post_broadcast', {
      name: 'Matin',
      from_groups: 'Auditeurs',
      fr_message: 'x',
    });
    id = String(added.body.broadcast.id);
    web = new WebClient(server.url);
    assert.equal((await web.signIn(await createUser(server, { language: 'fr' }))).status, 303);
  });
  after(() => server.close());

  const expected = async (): Promise<string> => {
    const body = (await web.get(`/broadcasts/${id}/confirm`)).body;
    const value = /name="expected" value="([^"]+)"/.exec(body)?.[1];
    assert.ok(value);
    return value;
  };
  const local = (at: number): string => new ZonedFormatter('America/Toronto').format(at).replace(' ', 'T');

  it('refuses a past date with the catalogue’s error, in the user’s language', async () => {
    const refused = await web.post(`/broadcasts/${id}/start`, {
      when: 'later',
      expected: await expected(),
      launch_at: local(Date.now() - 3600_000),
    });
    assert.equal(refused.response.status, 400);
    assert.match(refused.body, /La date de lancement est passée\./);
    assert.equal((await server.call('get_broadcast', { broadcast: id })).body.broadcast.launch_date, null);
  });

  it('stores a future date read in the user’s zone, with the zone', async () => {
    const at = Math.floor((Date.now() + 26 * 3600_000) / 1000) * 1000;
    const saved = await web.post(`/broadcasts/${id}/start`, {
      when: 'later',
      expected: await expected(),
      launch_at: local(at),
    });
    assert.equal(saved.response.status, 303);
    const { broadcast } = (await server.call('get_broadcast', { broadcast: id })).body;
    assert.equal(broadcast.launch_date, formatUtc(at));
    assert.equal(broadcast.launch_timezone, 'America/Toronto');
  });
});
