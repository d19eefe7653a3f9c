import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('groups (contract §5)', () => {
  let server: TestServer;
  const ids: Record<string, number> = {};
  before(async () => {
    server = await startTestServer();
    for (const [name, number] of [
      ['ana', '15145550201'],
      ['ben', '15145550202'],
      ['cy', '15145550203'],
    ] as const) {
      const { body } = await server.call('post_contact', { number, name });
      ids[name] = body.contact[0].id;
    }
  });
  after(() => server.close());

  it('lists the system groups first, with the source’s types', async () => {
    const { body } = await server.call('get_groups');
    assert.deepEqual(body.status, true);
    assert.deepEqual(
      body.groups.map((g: { group_name: string; system: number; created_at: string }) => [
        g.group_name,
        g.system,
        g.created_at,
      ]),
      [
        ['Tous', 1, '0000-00-00 00:00:00'],
        ['Blocked', 1, '0000-00-00 00:00:00'],
      ],
    );
  });

  it('adds and renames a group, refusing duplicates case-insensitively', async () => {
    const added = await server.call('post_group', { group_name: 'Marketing' });
    assert.equal(added.status, 200);
    const group = added.body.group;
    assert.deepEqual(Object.keys(group), ['id', 'group_name', 'created_at', 'system']);
    assert.match(group.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(added.body, {
      status: true,
      group: { id: group.id, group_name: 'Marketing', created_at: group.created_at, system: 0 },
    });
    const dup = await server.call('post_group', { group_name: 'marketing' });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { status: false, error: 'group already exists' });
    assert.deepEqual((await server.call('post_group', { group_name: 'TOUS' })).body, {
      status: false,
      error: 'group already exists',
    });
    const renamed = await server.call('post_group', { group_id: String(group.id), group_name: 'NEW_test' });
    assert.deepEqual(renamed.body, { status: true, group: { ...group, group_name: 'NEW_test' } });
    // Renaming to its own name in another case is not a conflict with itself.
    assert.equal(
      (await server.call('post_group', { group_id: String(group.id), group_name: 'new_TEST' })).status,
      200,
    );
    await server.call('post_group', { group_id: String(group.id), group_name: 'NEW_test' });
  });

  it('answers the post_group errors', async () => {
    const groups = (await server.call('get_groups')).body.groups as { id: number; group_name: string }[];
    const tous = groups.find((g) => g.group_name === 'Tous');
    const cases: [Record<string, string>, number, string][] = [
      [{}, 400, 'group_name parameter is missing'],
      [{ group_name: '  ' }, 400, 'group_name parameter is missing'],
      [{ group_id: '99999', group_name: 'x' }, 404, "group doesn't exist"],
      [{ group_id: String(tous?.id), group_name: 'Everyone' }, 409, "system groups can't be modified"],
    ];
    for (const [params, status, error] of cases) {
      const response = await server.call('post_group', params);
      assert.deepEqual(response.body, { status: false, error }, JSON.stringify(params));
      assert.equal(response.status, status);
    }
  });

  it('accepts a name made only of digits, and reads a `group` of digits as an id (§5)', async () => {
    // A station names its group after its frequency: the contract only says that a *parameter* of
    // digits is an id, so the group is added, then addressed by its id.
    const created = await server.call('post_group', { group_name: '1035' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const group = created.body.group as { id: number; group_name: string };
    assert.equal(group.group_name, '1035');
    assert.equal(
      (await server.call('post_group', { group_name: '1035' })).body.error,
      'group already exists',
    );
    const byId = { group: String(group.id), contact: '15145550201' };
    assert.deepEqual((await server.call('add_group_contact', byId)).body, { status: true });
    const members = await server.call('get_contacts', { group: String(group.id) });
    assert.equal(members.body.group.group_name, '1035');
    assert.deepEqual(
      members.body.contacts.map((c: { name: string }) => c.name),
      ['ana'],
    );
    // "1035" as a parameter is the id 1035, not the name: no such group on this account.
    const asName = await server.call('get_contacts', { group: '1035' });
    assert.deepEqual(asName.body, { status: false, error: 'group not found' });
    const renamed = await server.call('post_group', { group_id: String(group.id), group_name: '985' });
    assert.equal(renamed.body.group.group_name, '985');
    assert.deepEqual((await server.call('delete_group', { group: String(group.id) })).body, { status: true });
  });

  it('adds contacts by number, email or id, idempotently, and lists members', async () => {
    await server.call('post_contact', { id: String(ids.cy), email: 'cy@example.com' });
    for (const contact of ['15145550201', '514 555 0201', String(ids.ben), 'CY@example.com']) {
      assert.deepEqual((await server.call('add_group_contact', { group: 'new_test', contact })).body, {
        status: true,
      });
    }
    const { status, body } = await server.call('get_contacts', { group: 'NEW_TEST' });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['status', 'group', 'contacts']);
    assert.equal(body.group.group_name, 'NEW_test');
    assert.deepEqual(
      body.contacts.map((c: { name: string }) => c.name),
      ['ana', 'ben', 'cy'],
    );
    assert.deepEqual(Object.keys(body.contacts[0]), [
      'id',
      'created_at',
      'number',
      'name',
      'description',
      'email',
      'icon',
      'is_blocked',
      'user_id',
      'language',
      'created_at_unix',
    ]);
    const byId = await server.call('get_contacts', { group: String(body.group.id), limit: '1', offset: '1' });
    assert.deepEqual(
      byId.body.contacts.map((c: { name: string }) => c.name),
      ['ben'],
    );
    const ana = await server.call('get_contact', { id: String(ids.ana) });
    assert.deepEqual(
      ana.body.contact[0].groups.map((g: { group_name: string }) => g.group_name),
      ['Tous', 'NEW_test'],
    );
  });

  it('answers the membership errors', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['add_group_contact', { group: 'NEW_test' }, 400, 'Contact and group required'],
      ['add_group_contact', { contact: '15145550201' }, 400, 'Contact and group required'],
      ['add_group_contact', { group: 'NEW_test', contact: '15149999999' }, 404, 'contact not found'],
      ['add_group_contact', { group: 'nope', contact: '15145550201' }, 404, 'group not found'],
      ['delete_group_contact', { group: 'nope', contact: '15145550201' }, 404, 'group not found'],
      [
        'delete_group_contact',
        { group: 'Tous', contact: '15145550201' },
        409,
        "system groups can't be modified",
      ],
      ['get_contacts', {}, 400, 'group parameter is missing'],
      ['get_contacts', { group: 'nope' }, 404, 'group not found'],
      ['get_contacts', { group: 'Tous', limit: 'ten' }, 400, 'limit must be a whole number'],
    ];
    for (const [endpoint, params, status, error] of cases) {
      const response = await server.call(endpoint, params);
      assert.deepEqual(response.body, { status: false, error }, `${endpoint} ${JSON.stringify(params)}`);
      assert.equal(response.status, status);
    }
  });

  it('removes a member, also when it was not one', async () => {
    assert.deepEqual(
      (await server.call('delete_group_contact', { group: 'NEW_test', contact: String(ids.cy) })).body,
      {
        status: true,
      },
    );
    assert.deepEqual(
      (await server.call('delete_group_contact', { group: 'NEW_test', contact: String(ids.cy) })).body,
      {
        status: true,
      },
    );
    const { body } = await server.call('get_contacts', { group: 'NEW_test' });
    assert.deepEqual(
      body.contacts.map((c: { name: string }) => c.name),
      ['ana', 'ben'],
    );
  });

  it('blocks through the Blocked group and unblocks by removing from it; Tous holds everyone', async () => {
    assert.deepEqual(
      (await server.call('add_group_contact', { group: 'Blocked', contact: '15145550202' })).body,
      {
        status: true,
      },
    );
    const ben = await server.call('get_contact', { number: '15145550202' });
    assert.equal(ben.body.contact[0].is_blocked, 1);
    assert.deepEqual(
      ben.body.contact[0].groups.map((g: { group_name: string }) => g.group_name),
      ['Tous', 'Blocked', 'NEW_test'],
    );
    const blocked = await server.call('get_contacts', { group: 'blocked' });
    assert.deepEqual(
      blocked.body.contacts.map((c: { name: string }) => c.name),
      ['ben'],
    );
    const everyone = await server.call('get_contacts', { group: 'Tous' });
    assert.deepEqual(
      everyone.body.contacts.map((c: { name: string }) => c.name),
      ['ana', 'ben', 'cy'],
    );
    assert.deepEqual(
      (await server.call('add_group_contact', { group: 'Tous', contact: '15145550202' })).body,
      { status: true },
    );
    await server.call('delete_group_contact', { group: 'Blocked', contact: '15145550202' });
    const unblocked = await server.call('get_contact', { number: '15145550202' });
    assert.equal(unblocked.body.contact[0].is_blocked, 0);
  });

  it('deletes a group but keeps its contacts; system groups refuse', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{}, 400, 'group parameter is missing'],
      [{ group: 'nope' }, 404, 'group not found'],
      [{ group: 'Tous' }, 409, "system groups can't be deleted"],
      [{ group: 'BLOCKED' }, 409, "system groups can't be deleted"],
    ];
    for (const [params, status, error] of cases) {
      const response = await server.call('delete_group', params);
      assert.deepEqual(response.body, { status: false, error });
      assert.equal(response.status, status);
    }
    assert.deepEqual((await server.call('delete_group', { group: 'new_test' })).body, { status: true });
    assert.equal((await server.call('get_contacts', { group: 'NEW_test' })).status, 404);
    assert.equal((await server.call('get_contact', { id: String(ids.ana) })).status, 200);
  });

  it('keeps groups per account', async () => {
    const other = await server.createAccount({ name: 'Other' });
    await server.call('post_group', { group_name: 'Private' });
    const mine = (await server.call('get_groups')).body.groups as { id: number; group_name: string }[];
    const priv = mine.find((g) => g.group_name === 'Private');
    assert.ok(priv);
    const theirs = await server.call('get_contacts', { group: String(priv.id) }, { key: other.key });
    assert.equal(theirs.status, 404);
    assert.equal(
      (await server.call('delete_group', { group: String(priv.id) }, { key: other.key })).status,
      404,
    );
    const rename = await server.call(
      'post_group',
      { group_id: String(priv.id), group_name: 'x' },
      { key: other.key },
    );
    assert.equal(rename.status, 404);
    // Another account may use the same name.
    assert.equal(
      (await server.call('post_group', { group_name: 'Private' }, { key: other.key })).status,
      200,
    );
    // And cannot add my contacts to its groups.
    const add = await server.call(
      'add_group_contact',
      { group: 'Private', contact: String(ids.ana) },
      { key: other.key },
    );
    assert.deepEqual(add.body, { status: false, error: 'contact not found' });
  });
});
