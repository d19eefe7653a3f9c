import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { waitFor } from '../helpers/broadcasts.js';
import { createUser } from '../helpers/browser.js';
import { testSandbox } from '../helpers/messages.js';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';

const FAILING_NUMBER = '15145550203';

/** The figures a confirmation page put in its start form. */
function expectedOf(body: string): string {
  const value = /name="expected" value="([^"]+)"/.exec(body)?.[1];
  assert.ok(value, 'the confirmation carries its figures');
  return value;
}

/**
 * The broadcast pages over HTTP: another account's ids, bad input, CSRF, and the CSV export of a
 * finished broadcast (the sandbox carrier answers UNDELIV 300 for one number).
 */
describe('web: broadcast pages over HTTP', () => {
  let server: TestServer;
  let other: TestAccount;
  let web: WebClient;
  let groupId: number;
  let otherGroup: number;
  let otherBroadcast: string;

  before(async () => {
    server = await startTestServer({
      sms: testSandbox({
        outcome: (sms) =>
          sms.to === FAILING_NUMBER
            ? { kind: 'receipt', stat: 'UNDELIV', err: '300' }
            : { kind: 'receipt', stat: 'DELIVRD', err: '000' },
      }),
    });
    const db = server.platform.store.db;
    const ids = [
      await makeContact(db, server.account.id, { number: '15145550201', name: 'Ann', language: 'fr' }),
      await makeContact(db, server.account.id, {
        number: '15145550202',
        name: '=HYPERLINK("x")',
        language: 'en',
      }),
      await makeContact(db, server.account.id, { number: FAILING_NUMBER, name: 'Carl', language: 'fr' }),
      await makeContact(db, server.account.id, { number: '15145550204', name: 'Bloqué', isBlocked: true }),
    ];
    groupId = await makeGroup(db, server.account.id, 'Auditeurs', ids);
    other = await server.createAccount({ name: 'Other' });
    otherGroup = await makeGroup(db, other.id, 'Theirs', [
      await makeContact(db, other.id, { number: '15145550299' }),
    ]);
    const added = await server.call(
      'post_broadcast',
      { name: 'Theirs', from_groups: 'Theirs', fr_message: 'Salut' },
      { key: other.key },
    );
    otherBroadcast = String(added.body.broadcast.id);
    const user = await createUser(server, { role: 'member', language: 'fr' });
    web = new WebClient(server.url);
    assert.equal((await web.signIn(user)).status, 303);
  });
  after(() => server.close());

  test('another account’s broadcast and groups: 404 on every page and action, nothing changed', async () => {
    for (const path of ['', '/edit', '/confirm', '/events', '/outcomes.csv', '?contact=15145550299']) {
      assert.equal((await web.get(`/broadcasts/${otherBroadcast}${path}`)).response.status, 404, path);
    }
    assert.equal((await web.get('/broadcasts/abc')).response.status, 404);
    await web.get('/broadcasts');
    for (const [action, fields] of [
      ['', { name: 'Mine now', group: String(groupId), fr_message: 'x' }],
      ['/start', { when: 'now', expected: '1:0:1' }],
      ['/cancel', {}],
      ['/test', { contact: '15145550299' }],
      ['/unschedule', {}],
    ] as const) {
      assert.equal(
        (await web.post(`/broadcasts/${otherBroadcast}${action}`, fields)).response.status,
        404,
        action,
      );
    }
    const theirs = await server.call('get_broadcast', { broadcast: otherBroadcast }, { key: other.key });
    assert.equal(theirs.body.broadcast.broadcast_status, 'pending');
    assert.equal(theirs.body.broadcast.name, 'Theirs');

    // Their group: in a new draft, and in the live count.
    const before = (await server.call('get_broadcasts')).body.broadcasts.length;
    const created = await web.post('/broadcasts', { name: 'X', group: String(otherGroup), fr_message: 'x' });
    assert.equal(created.response.status, 404);
    assert.equal((await server.call('get_broadcasts')).body.broadcasts.length, before);
    const reach = await web.get(`/broadcasts/reach?group=${otherGroup}`);
    assert.equal(reach.response.status, 404);
    assert.deepEqual(JSON.parse(reach.body), { status: false, error: 'Groupe introuvable.' });
  });

  test('bad input: the API’s message, 4xx, nothing created or started; CSRF refused', async () => {
    const before = (await server.call('get_broadcasts')).body.broadcasts.length;
    await web.get('/broadcasts/new');
    const noName = await web.post('/broadcasts', { name: '', group: String(groupId), fr_message: 'Bonjour' });
    assert.equal(noName.response.status, 400);
    assert.match(noName.body, /Renseignements d’envoi massif invalides\./);
    assert.match(noName.body, />\nBonjour<\/textarea/); // what was typed is kept
    const noText = await web.post('/broadcasts', { name: 'Vide', group: String(groupId) });
    assert.equal(noText.response.status, 400);
    assert.equal((await server.call('get_broadcasts')).body.broadcasts.length, before);
    assert.equal((await web.get('/broadcasts/reach?group=abc')).response.status, 400);

    const saved = await web.post('/broadcasts', {
      name: 'Concours',
      group: String(groupId),
      fr_message: 'Bonjour _NAME_',
    });
    assert.equal(saved.response.status, 303);
    const id = /\/broadcasts\/(\d+)\?notice=saved$/.exec(saved.response.headers.get('location') ?? '')?.[1];
    assert.ok(id);
    const confirm = await web.get(`/broadcasts/${id}/confirm`);
    assert.match(confirm.body, /data-confirm-total="3"/); // the blocked contact is not counted
    // A start without the confirmation's figures, with stale ones, or at a past date: refused.
    for (const fields of [
      { when: 'now' } as Record<string, string>,
      { when: 'now', expected: '4:0:4' },
      { when: 'later', expected: expectedOf(confirm.body), launch_at: '2020-01-01T10:00' },
      { when: 'soon', expected: expectedOf(confirm.body) },
    ]) {
      assert.equal(
        (await web.post(`/broadcasts/${id}/start`, fields)).response.status,
        400,
        JSON.stringify(fields),
      );
    }
    const csrf = await web.post(
      `/broadcasts/${id}/start`,
      { when: 'now', expected: expectedOf(confirm.body) },
      { csrf: null },
    );
    assert.equal(csrf.response.status, 403);
    assert.equal((await web.post(`/broadcasts/${id}/cancel`, {}, { csrf: 'forged' })).response.status, 403);
    const stored = await server.call('get_broadcast', { broadcast: id });
    assert.equal(stored.body.broadcast.broadcast_status, 'pending');
    assert.equal(stored.body.broadcast.launch_date, null);
    // Names and texts are text wherever they are shown.
    await web.post(`/broadcasts/${id}`, {
      name: '<img src=x onerror=alert(1)>',
      group: String(groupId),
      fr_message: '<b>_NAME_</b>',
    });
    const shown = await web.get(`/broadcasts/${id}?contact=15145550201`);
    assert.ok(!shown.body.includes('<img src=x') && !shown.body.includes('<b>Ann'));
    assert.match(shown.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(shown.body, /data-preview-sms>&lt;b&gt;Ann&lt;\/b&gt;<\/blockquote>/);
    // A test to a contact that does not exist: the API's error, in French.
    const test = await web.post(`/broadcasts/${id}/test`, { contact: '15145550999' });
    assert.equal(test.response.status, 400);
    assert.match(test.body, /Contact introuvable/);
  });

  test('the list: 50 a page, newest first, with the next page linked', async () => {
    const existing = (await server.call('get_broadcasts')).body.broadcasts.length;
    for (let i = 1; i <= 50; i++) {
      await server.call('post_broadcast', { name: `Lot ${i}`, from_groups: 'Auditeurs', fr_message: 'x' });
    }
    const first = await web.get('/broadcasts');
    const rows = (body: string) =>
      [...body.matchAll(/<th scope="row"><a href="\/broadcasts\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
    assert.equal(rows(first.body).length, 50);
    assert.equal(rows(first.body)[0], 'Lot 50');
    assert.match(first.body, /href="\/broadcasts\?page=2" rel="next"/);
    const second = await web.get('/broadcasts?page=2');
    assert.equal(rows(second.body).length, existing);
    assert.match(second.body, /href="\/broadcasts\?page=1" rel="prev"/);
    assert.doesNotMatch(second.body, /rel="next"/);
    assert.equal((await web.get('/broadcasts?page=abc')).response.status, 200);
  });

  test('the CSV export: one line per SMS, the §6 name of a failure, formula-proof cells', async () => {
    await web.get('/broadcasts/new');
    const saved = await web.post('/broadcasts', {
      name: 'Export',
      group: String(groupId),
      fr_message: 'Allo _NAME_',
      en_message: 'Hi _NAME_',
    });
    const id = /\/broadcasts\/(\d+)/.exec(saved.response.headers.get('location') ?? '')?.[1] ?? '';
    const confirm = await web.get(`/broadcasts/${id}/confirm`);
    const started = await web.post(`/broadcasts/${id}/start`, {
      when: 'now',
      expected: expectedOf(confirm.body),
    });
    assert.equal(started.response.status, 303);
    await waitFor(
      'the broadcast to complete',
      async () =>
        (await server.call('get_broadcast', { broadcast: id })).body.broadcast.broadcast_status ===
        'completed',
    );
    const page = await web.get(`/broadcasts/${id}`);
    assert.match(page.body, /UNDELIV_300/);
    assert.match(page.body, /Non livrable/);
    const csv = await web.get(`/broadcasts/${id}/outcomes.csv`);
    assert.equal(csv.response.headers.get('content-type'), 'text/csv; charset=utf-8');
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    assert.equal(
      lines[0],
      'No du message,Numéro,Nom,Langue,État,État détaillé,Nom de l’état,Parties,Accepté le,État final le',
    );
    assert.equal(lines.length, 4);
    const byNumber = new Map(lines.slice(1).map((line) => [line.split(',')[1], line]));
    assert.match(byNumber.get('15145550201') ?? '', /^\d+,15145550201,Ann,fr,delivered,DELIVRD_000,,1,/);
    assert.match(byNumber.get('15145550202') ?? '', /^\d+,15145550202,"'=HYPERLINK\(""x""\)",en,delivered,/);
    assert.match(byNumber.get(FAILING_NUMBER) ?? '', /,Carl,fr,failed,UNDELIV_300,[^,]+,1,/);
  });
});
