import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ICON = 'http://127.0.0.1:8080/assets/images/contact_icons/default.png';

describe('contacts (contract §4.1–4.3)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('adds a contact and answers the source’s layout, number normalised, user_id a string', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await server.call('post_contact', {
      number: '(514) 555-0101',
      name: 'John Smith',
      description: 'Dev',
      email: 'Some@Some.com',
      language: 'fr',
      user_id: '',
    });
    assert.equal(status, 200);
    const contact = body.contact[0];
    assert.deepEqual(Object.keys(body), ['status', 'contact']);
    assert.deepEqual(Object.keys(contact), [
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
    ]);
    assert.equal(typeof contact.id, 'number');
    assert.ok(contact.created_at_unix >= before && contact.created_at_unix <= before + 5);
    assert.deepEqual(body, {
      status: true,
      contact: [
        {
          id: contact.id,
          number: '15145550101',
          name: 'John Smith',
          description: 'Dev',
          email: 'some@some.com',
          icon: ICON,
          is_blocked: 0,
          user_id: '0',
          language: 'fr',
          created_at_unix: contact.created_at_unix,
        },
      ],
    });
  });

  it('defaults language to the account’s and accepts an email-only contact', async () => {
    const { body } = await server.call('post_contact', { email: 'only@example.com' });
    assert.equal(body.status, true);
    assert.equal(body.contact[0].language, 'fr');
    assert.equal(body.contact[0].number, '');
    assert.equal(body.contact[0].name, '');
  });

  it('refuses the source’s one-digit-short number and every documented add error', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ name: 'x' }, 400, 'Contact number or email required'],
      [{ number: '', email: '' }, 400, 'Contact number or email required'],
      [{ number: '1514555555' }, 400, 'number is not a valid phone number'],
      [{ number: "1' OR 1=1 --" }, 400, 'number is not a valid phone number'],
      [{ email: 'not-an-email' }, 400, 'email is not a valid email address'],
      [{ number: '15145550102', language: 'de' }, 400, 'language must be fr or en'],
      [{ number: '15145550101' }, 409, 'Contact already exists with this number'],
      [{ number: '+1 514 555 0101' }, 409, 'Contact already exists with this number'],
      [{ email: 'SOME@some.com' }, 409, 'Contact already exists with this email'],
      [{ number: '15145550103', user_id: 'abc' }, 400, 'user_id must be a number'],
    ];
    for (const [params, status, error] of cases) {
      const response = await server.call('post_contact', params);
      assert.deepEqual(response.body, { status: false, error }, JSON.stringify(params));
      assert.equal(response.status, status, JSON.stringify(params));
    }
  });

  it('gets a contact by id, number or email with its groups (Tous always)', async () => {
    const added = await server.call('post_contact', { number: '15145550110', name: 'Ana', language: 'en' });
    const id = added.body.contact[0].id;
    const lookups: Record<string, string>[] = [
      { id: String(id) },
      { number: '514-555-0110' },
      { number: '15145550110' },
    ];
    for (const params of lookups) {
      const { status, body } = await server.call('get_contact', params);
      assert.equal(status, 200);
      assert.equal(body.contact.length, 1);
      assert.equal(body.contact[0].id, id);
      assert.deepEqual(
        body.contact[0].groups.map((g: { group_name: string }) => g.group_name),
        ['Tous'],
      );
      assert.deepEqual(Object.keys(body.contact[0].groups[0]), ['id', 'group_name', 'created_at', 'system']);
      assert.equal(body.contact[0].groups[0].system, 1);
      assert.equal(body.contact[0].groups[0].created_at, '0000-00-00 00:00:00');
    }
    // id wins over number and email
    const byId = await server.call('get_contact', { id: String(id), number: '15145550101' });
    assert.equal(byId.body.contact[0].id, id);
    const byEmail = await server.call('get_contact', { email: 'SOME@some.com' });
    assert.equal(byEmail.body.contact[0].email, 'some@some.com');
  });

  it('answers the get_contact errors', async () => {
    assert.deepEqual((await server.call('get_contact', {})).body, {
      status: false,
      error: 'Contact number or email required',
    });
    const unknown: Record<string, string>[] = [
      { id: '999999' },
      { id: 'abc' },
      { number: '15149999999' },
      { email: 'x@y.z' },
    ];
    for (const params of unknown) {
      const response = await server.call('get_contact', params);
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, { status: false, error: 'Contact not found' });
    }
  });

  it('modifies only the parameters sent; empty clears; must keep a number or an email', async () => {
    const added = await server.call('post_contact', {
      number: '15145550120',
      email: 'mod@example.com',
      name: 'Before',
      description: 'keep me',
    });
    const id = String(added.body.contact[0].id);
    const renamed = await server.call('post_contact', { id, name: 'After', email: '' });
    assert.equal(renamed.status, 200);
    const c = renamed.body.contact[0];
    assert.equal(c.name, 'After');
    assert.equal(c.description, 'keep me');
    assert.equal(c.email, '');
    assert.equal(c.number, '15145550120');
    assert.deepEqual((await server.call('post_contact', { id, number: '' })).body, {
      status: false,
      error: 'Contact number or email required',
    });
    assert.deepEqual((await server.call('post_contact', { id, number: '15145550101' })).body, {
      status: false,
      error: 'Contact already exists with this number',
    });
    assert.deepEqual((await server.call('post_contact', { id, language: 'es' })).body, {
      status: false,
      error: 'language must be fr or en',
    });
    const missing = await server.call('post_contact', { id: '987654', name: 'x' });
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { status: false, error: 'Contact not found' });
    // Nothing of the refused changes was written.
    const after = await server.call('get_contact', { id });
    assert.equal(after.body.contact[0].number, '15145550120');
    assert.equal(after.body.contact[0].language, 'fr');
  });

  it('deletes by number, email or id, then answers Contact not found', async () => {
    const added = await server.call('post_contact', { number: '15145550130', email: 'del@example.com' });
    const id = String(added.body.contact[0].id);
    assert.deepEqual((await server.call('delete_contact', {})).body, {
      status: false,
      error: 'Contact number, email or id required',
    });
    assert.deepEqual((await server.call('delete_contact', { email: 'del@example.com' })).body, {
      status: true,
    });
    const again = await server.call('delete_contact', { id });
    assert.equal(again.status, 404);
    assert.deepEqual(again.body, { status: false, error: 'Contact not found' });
  });

  it('keeps accounts apart: another account sees none of these contacts and can reuse their numbers', async () => {
    const other = await server.createAccount({ name: 'Other' });
    const mine = await server.call('post_contact', { number: '15145550140' });
    const id = String(mine.body.contact[0].id);
    for (const endpoint of ['get_contact', 'delete_contact']) {
      const response = await server.call(endpoint, { id }, { key: other.key });
      assert.equal(response.status, 404, endpoint);
    }
    const modify = await server.call('post_contact', { id, name: 'hijack' }, { key: other.key });
    assert.equal(modify.status, 404);
    const reuse = await server.call('post_contact', { number: '15145550140' }, { key: other.key });
    assert.equal(reuse.status, 200);
    assert.notEqual(String(reuse.body.contact[0].id), id);
    const still = await server.call('get_contact', { id });
    assert.equal(still.body.contact[0].name, '');
  });

  it('takes parameters as JSON, multipart and query string too', async () => {
    const json = await fetch(`${server.url}/api/post_contact`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': server.account.key, 'content-type': 'application/json' },
      body: JSON.stringify({ number: 15145550150, name: 'Json' }),
    });
    const jsonBody = (await json.json()) as { contact: { number: string }[] };
    assert.equal(jsonBody.contact[0]?.number, '15145550150');
    const form = new FormData();
    form.append('number', '15145550151');
    form.append('name', 'Multi part');
    const multipart = await fetch(`${server.url}/api/post_contact`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': server.account.key },
      body: form,
    });
    const multipartBody = (await multipart.json()) as { contact: { name: string }[] };
    assert.equal(multipartBody.contact[0]?.name, 'Multi part');
    const query = await server.call('get_contact', { number: '15145550151' }, { method: 'GET' });
    assert.equal(query.body.contact[0].name, 'Multi part');
  });
});
