import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The contract's contact fields: the zone is an extension parameter, not a field of the answer. */
const CONTACT_FIELDS = [
  'id',
  'number',
  'name',
  'description',
  'email',
  'icon',
  'is_blocked',
  'user_id',
  'language',
  'created_at_unix',
];

describe('post_contact timezone (extension): the zone quiet hours are read in', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const storedZone = async (id: number): Promise<string | null> => {
    const row = await server.platform.store.db
      .selectFrom('contacts')
      .select('time_zone')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.time_zone;
  };

  it('sets the zone on add (canonical spelling), keeps it when other fields change, changes and clears it', async () => {
    const added = await server.call('post_contact', {
      number: '15145550701',
      name: 'Exilée',
      timezone: ' america/vancouver ',
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const contact = added.body.contact[0];
    assert.deepEqual(Object.keys(contact), CONTACT_FIELDS);
    const id = contact.id as number;
    assert.equal(await storedZone(id), 'America/Vancouver');

    const renamed = await server.call('post_contact', { id: String(id), name: 'Exilée à Vancouver' });
    assert.equal(renamed.status, 200);
    assert.equal(await storedZone(id), 'America/Vancouver', 'a parameter not sent does not change');

    const moved = await server.call('post_contact', { id: String(id), timezone: 'Europe/Paris' });
    assert.equal(moved.status, 200);
    assert.equal(await storedZone(id), 'Europe/Paris');

    const cleared = await server.call('post_contact', { id: String(id), timezone: '' });
    assert.equal(cleared.status, 200);
    assert.equal(await storedZone(id), null, 'sent empty: the area code decides again');

    const got = await server.call('get_contact', { id: String(id) });
    assert.deepEqual(Object.keys(got.body.contact[0]), [...CONTACT_FIELDS, 'groups']);
  });

  it('adds a contact without a zone when none (or an empty one) is sent', async () => {
    const added = await server.call('post_contact', { number: '15145550702', timezone: '' });
    assert.equal(added.status, 200);
    assert.equal(await storedZone(added.body.contact[0].id as number), null);
  });

  it('refuses a zone Intl does not know with 400 and changes nothing', async () => {
    const refused = await server.call('post_contact', { number: '15145550703', timezone: 'Mars/Olympus' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, {
      status: false,
      error: 'Invalid timezone: Mars/Olympus (expected an IANA zone such as America/Toronto)',
    });
    const absent = await server.call('get_contact', { number: '15145550703' });
    assert.equal(absent.status, 404, 'the contact was not added');

    const added = await server.call('post_contact', { number: '15145550704', timezone: 'America/Halifax' });
    const id = added.body.contact[0].id as number;
    const bad = await server.call('post_contact', { id: String(id), name: 'x', timezone: 'EST+5h' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      status: false,
      error: 'Invalid timezone: EST+5h (expected an IANA zone such as America/Toronto)',
    });
    assert.equal(await storedZone(id), 'America/Halifax');
    assert.equal((await server.call('get_contact', { id: String(id) })).body.contact[0].name, '');
  });
});
