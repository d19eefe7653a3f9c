import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../helpers/browser.js';
import { uploadCsv, waitForImport } from '../helpers/imports.js';
import { testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';

const INVALID_NUMBER = '15145550999';
const TWO_YEARS_S = 2 * 365 * 24 * 3600;

/** Seconds between two `YYYY-MM-DD HH:MM:SS` UTC dates. */
const secondsBetween = (from: string, to: string): number =>
  (Date.parse(`${to.replace(' ', 'T')}Z`) - Date.parse(`${from.replace(' ', 'T')}Z`)) / 1000;

/**
 * CASL extensions (issue #15 item 2): the consent log written by each path that adds a contact or
 * withdraws consent, get_consent and its CSV export; the suppression list with its history. The
 * sandbox carrier answers UNDELIV 303 (invalid destination) for one number.
 */
describe('CASL consent log and suppressions (extensions)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      sms: testSandbox({
        outcome: (sms) =>
          sms.to === INVALID_NUMBER
            ? { kind: 'receipt', stat: 'UNDELIV', err: '303' }
            : { kind: 'receipt', stat: 'DELIVRD', err: '000' },
      }),
    });
  });
  after(() => server.close());

  const consentOf = async (params: Record<string, string>) => {
    const { status, body } = await server.call('get_consent', params);
    assert.equal(status, 200, JSON.stringify(body));
    return body.consent as Record<string, string | number>[];
  };

  it('post_contact logs express consent by default, for the number and the email, with the key', async () => {
    const added = await server.call('post_contact', {
      number: '514 555-0101',
      email: 'Ann@Example.com',
      consent_evidence: 'signed up at the fair',
    });
    assert.equal(added.status, 200);
    const [entry] = await consentOf({ number: '5145550101' });
    assert.ok(entry);
    assert.deepEqual(Object.keys(entry), [
      'id',
      'number',
      'email',
      'action',
      'consent_type',
      'source',
      'evidence',
      'created_at',
      'expires_at',
    ]);
    assert.deepEqual(
      { ...entry, id: 0, created_at: '' },
      {
        id: 0,
        number: '15145550101',
        email: '',
        action: 'granted',
        consent_type: 'express',
        source: 'api',
        evidence: 'post_contact (API key 1): signed up at the fair',
        created_at: '',
        expires_at: '',
      },
    );
    const [byEmail] = await consentOf({ email: 'ANN@example.com' });
    assert.equal(byEmail?.email, 'ann@example.com');
    assert.equal(byEmail?.source, 'api');
  });

  it('implied consent expires two years after it was given', async () => {
    await server.call('post_contact', { number: '5145550102', consent_type: 'implied' });
    const [entry] = await consentOf({ number: '5145550102' });
    assert.equal(entry?.consent_type, 'implied');
    assert.equal(secondsBetween(String(entry?.created_at), String(entry?.expires_at)), TWO_YEARS_S);
  });

  it('refuses a bad consent_type without adding the contact; get_consent needs a number or email', async () => {
    const refused = await server.call('post_contact', { number: '5145550103', consent_type: 'maybe' });
    assert.deepEqual(
      [refused.status, refused.body],
      [400, { status: false, error: 'consent_type must be express or implied' }],
    );
    assert.equal((await server.call('get_contact', { number: '5145550103' })).status, 404);
    const missing = await server.call('get_consent', {});
    assert.deepEqual(
      [missing.status, missing.body],
      [400, { status: false, error: 'Contact number or email required' }],
    );
    const badLimit = await server.call('get_consent', { number: '5145550101', limit: '0' });
    assert.deepEqual(
      [badLimit.status, badLimit.body],
      [400, { status: false, error: 'limit must be a whole number from 1 to 1000' }],
    );
  });

  it('an import logs one grant per created contact, naming the import, its file and the line', async () => {
    const csv = 'number,email,name\n5145550111,,Un\n5145550101,,Already there\n,b@example.com,Deux\n';
    const target = { url: server.url, key: server.account.key };
    const started = await uploadCsv(target, csv, { email: server.account.userEmail });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const importId = started.body.import_id as number;
    await waitForImport(target, importId);
    const [first] = await consentOf({ number: '5145550111' });
    assert.equal(first?.source, 'import');
    assert.equal(first?.evidence, `import ${importId} (contacts.csv) line 2`);
    const [second] = await consentOf({ email: 'b@example.com' });
    assert.equal(second?.evidence, `import ${importId} (contacts.csv) line 4`);
    // The skipped row created nothing: its number keeps only its post_contact grant.
    assert.deepEqual(
      (await consentOf({ number: '5145550101' })).map((e) => e.source),
      ['api'],
    );
  });

  it('the web platform’s contact form logs source web with the user', async () => {
    const user = await createUser(server);
    const web = new WebClient(server.url);
    await web.signIn(user);
    await web.get('/contacts/new');
    const { response } = await web.post('/contacts/new', { number: '5145550121', language: 'fr' });
    assert.equal(response.status, 303);
    const [entry] = await consentOf({ number: '5145550121' });
    assert.equal(entry?.source, 'web');
    assert.equal(entry?.evidence, `contact form (user ${user.email})`);
  });

  /** post_contact, answering 200; the contact's id. */
  const addContact = async (params: Record<string, string>): Promise<string> => {
    const { status, body } = await server.call('post_contact', params);
    assert.equal(status, 200, JSON.stringify(body));
    return String(body.contact[0].id);
  };
  /** Each entry of a number or an email as [action, type, source, evidence], newest first. */
  const logOf = async (params: Record<string, string>) =>
    (await consentOf(params)).map((e) => [e.action, e.consent_type, e.source, e.evidence]);

  it('post_contact with id logs a number added to a contact, with the request’s consent', async () => {
    const id = await addContact({ email: 'added-number@example.com' });
    await addContact({
      id,
      number: '514 555-0201',
      consent_type: 'implied',
      consent_evidence: 'asked at the counter',
    });
    assert.deepEqual(await logOf({ number: '5145550201' }), [
      ['granted', 'implied', 'api', 'post_contact (API key 1): asked at the counter'],
    ]);
    const [entry] = await consentOf({ number: '5145550201' });
    assert.equal(secondsBetween(String(entry?.created_at), String(entry?.expires_at)), TWO_YEARS_S);
    assert.deepEqual(await logOf({ email: 'added-number@example.com' }), [
      ['granted', 'express', 'api', 'post_contact (API key 1)'],
    ]);
  });

  it('post_contact with id logs a changed email, not the number it keeps', async () => {
    const id = await addContact({ number: '5145550202', email: 'old-email@example.com' });
    await addContact({ id, email: 'New-Email@Example.com' });
    assert.deepEqual(await logOf({ email: 'new-email@example.com' }), [
      ['granted', 'express', 'api', 'post_contact (API key 1)'],
    ]);
    assert.deepEqual(await logOf({ number: '5145550202' }), [
      ['granted', 'express', 'api', 'post_contact (API key 1)'],
    ]);
  });

  it('post_contact with id logs nothing when the number and email stay (or are cleared)', async () => {
    const id = await addContact({ number: '5145550203', email: 'same@example.com' });
    const before = [await logOf({ number: '5145550203' }), await logOf({ email: 'same@example.com' })];
    // The same addresses written differently are the same addresses.
    await addContact({ id, number: '+1 (514) 555-0203', email: 'SAME@example.com', name: 'Renamed' });
    await addContact({ id, email: '', consent_evidence: 'nothing new to prove' });
    assert.deepEqual(
      [await logOf({ number: '5145550203' }), await logOf({ email: 'same@example.com' })],
      before,
    );
    assert.equal(before[0]?.length, 1);
  });

  it('refuses consent_evidence over 500 characters without adding the contact', async () => {
    const refused = await server.call('post_contact', {
      number: '5145550204',
      consent_evidence: 'x'.repeat(501),
    });
    assert.deepEqual(
      [refused.status, refused.body],
      [400, { status: false, error: 'consent_evidence must be at most 500 characters' }],
    );
    assert.equal((await server.call('get_contact', { number: '5145550204' })).status, 404);
    await addContact({ number: '5145550204', consent_evidence: `  ${'x'.repeat(500)}  ` });
  });

  it('the web platform’s edit form logs an added email as source web, with the user', async () => {
    const id = await addContact({ number: '5145550211' });
    const user = await createUser(server);
    const web = new WebClient(server.url);
    await web.signIn(user);
    await web.get(`/contacts/${id}`);
    const { response } = await web.post(`/contacts/${id}`, {
      name: 'Édith',
      number: '15145550211',
      email: 'Edith@Example.com',
      language: 'fr',
      description: '',
    });
    assert.equal(response.status, 303);
    assert.deepEqual(await logOf({ email: 'edith@example.com' }), [
      ['granted', 'express', 'web', `contact form (user ${user.email})`],
    ]);
    assert.deepEqual(await logOf({ number: '5145550211' }), [
      ['granted', 'express', 'api', 'post_contact (API key 1)'],
    ]);
  });

  it('an import that overwrites a contact logs the number it adds, not the addresses it keeps', async () => {
    await addContact({ email: 'imported-number@example.com' });
    await addContact({ number: '5145550222', email: 'kept@example.com' });
    const csv =
      'number,email,name\n5145550221,imported-number@example.com,Un\n5145550222,kept@example.com,Deux\n';
    const target = { url: server.url, key: server.account.key };
    const started = await uploadCsv(target, csv, { email: server.account.userEmail, overwrite: '1' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const importId = started.body.import_id as number;
    const done = await waitForImport(target, importId);
    assert.deepEqual([done.status, done.updated], ['completed', 2]);
    assert.deepEqual(await logOf({ number: '5145550221' }), [
      ['granted', 'express', 'import', `import ${importId} (contacts.csv) line 2`],
    ]);
    assert.equal((await logOf({ email: 'imported-number@example.com' })).length, 1);
    assert.equal((await logOf({ number: '5145550222' })).length, 1);
    assert.equal((await logOf({ email: 'kept@example.com' })).length, 1);
  });

  it('STOP and START log a withdrawal and a grant, and the suppression history keeps both', async () => {
    const number = '15145550131';
    const receive = (text: string) =>
      server.platform.ctx.inbound.receive({
        from: number,
        to: '15149541234',
        text,
        partCount: 1,
        receivedAt: Date.now(),
      });
    await receive('Arrêt');
    assert.equal((await server.call('get_suppression', { number })).body.suppressed, 1);
    await receive('START');
    const entries = await consentOf({ number });
    assert.deepEqual(
      entries.map((e) => [e.action, e.source, e.evidence]),
      [
        ['granted', 'opt_out_keyword', 'SMS "START" to 15149541234'],
        ['withdrawn', 'opt_out_keyword', 'SMS "Arrêt" to 15149541234'],
      ],
    );
    const status = await server.call('get_suppression', { number });
    assert.equal(status.body.suppressed, 0);
    assert.deepEqual(
      status.body.history.map((h: Record<string, string>) => [h.action, h.source, h.actor, h.reason]),
      [
        ['lifted', 'keyword', number, 'START'],
        ['suppressed', 'keyword', number, 'Arrêt'],
      ],
    );
  });

  it('a carrier 303 receipt suppresses the number, with history and a carrier withdrawal', async () => {
    const sent = await server.call('send', { to: INVALID_NUMBER, message: 'Bonjour' });
    assert.equal(sent.status, 200);
    const status = await waitFor('the 303 suppression', async () => {
      const { body } = await server.call('get_suppression', { number: INVALID_NUMBER });
      return body.suppressed === 1 && body;
    });
    assert.equal(status.suppression[0].reason, 'UNDELIV_303');
    assert.deepEqual(
      status.history.map((h: Record<string, string>) => [h.action, h.source, h.actor, h.reason]),
      [['suppressed', 'carrier', 'carrier', 'UNDELIV_303']],
    );
    const [entry] = await consentOf({ number: INVALID_NUMBER });
    assert.deepEqual(
      [entry?.action, entry?.source, entry?.evidence],
      ['withdrawn', 'carrier', 'carrier receipt UNDELIV_303'],
    );
  });

  it('post_suppression and delete_suppression keep who and why; lifting needs a reason', async () => {
    const number = '15145550141';
    const added = await server.call('post_suppression', { number: '514-555-0141', reason: 'asked by phone' });
    assert.deepEqual(Object.keys(added.body.suppression[0]), ['number', 'reason', 'created_at']);
    assert.equal(added.body.suppression[0].reason, 'asked by phone');
    const again = await server.call('post_suppression', { number, reason: 'twice' });
    assert.deepEqual(
      [again.status, again.body],
      [409, { status: false, error: 'Number already suppressed' }],
    );
    assert.equal((await server.call('send', { to: number, message: 'x' })).status, 403);

    const noReason = await server.call('delete_suppression', { number });
    assert.deepEqual(
      [noReason.status, noReason.body],
      [400, { status: false, error: 'A reason is required' }],
    );
    const lifted = await server.call('delete_suppression', { number, reason: 'new written consent' });
    assert.deepEqual([lifted.status, lifted.body], [200, { status: true }]);
    const notThere = await server.call('delete_suppression', { number, reason: 'again' });
    assert.deepEqual(
      [notThere.status, notThere.body],
      [404, { status: false, error: 'Number not suppressed' }],
    );
    assert.equal((await server.call('send', { to: number, message: 'x' })).status, 200);

    const { body } = await server.call('get_suppression', { number });
    assert.deepEqual(
      body.history.map((h: Record<string, string>) => [h.action, h.source, h.actor, h.reason]),
      [
        ['lifted', 'operator', 'key:1', 'new written consent'],
        ['suppressed', 'operator', 'key:1', 'asked by phone'],
      ],
    );
    const [withdrawal] = await consentOf({ number });
    assert.deepEqual([withdrawal?.action, withdrawal?.source], ['withdrawn', 'operator']);
    const bad = await server.call('post_suppression', { number: '12', reason: 'x' });
    assert.deepEqual(
      [bad.status, bad.body],
      [400, { status: false, error: 'number is not a valid phone number' }],
    );
  });

  it('get_suppressions pages in number order; another account sees none of them', async () => {
    for (const n of ['15145550151', '15145550152', '15145550153']) {
      await server.call('post_suppression', { number: n, reason: 'paging' });
    }
    const all: string[] = [];
    let after = '';
    for (;;) {
      const { body } = await server.call('get_suppressions', { limit: '2', after });
      assert.ok(body.suppressions.length <= 2);
      all.push(...body.suppressions.map((s: { number: string }) => s.number));
      if (body.next === '') break;
      after = body.next;
    }
    assert.deepEqual(all, [...all].sort());
    for (const n of ['15145550151', '15145550152', '15145550153', INVALID_NUMBER]) assert.ok(all.includes(n));
    const other = await server.createAccount({ name: 'Autre' });
    const theirs = await server.call('get_suppressions', {}, { key: other.key });
    assert.deepEqual(theirs.body, { status: true, suppressions: [], next: '' });
    const theirConsent = await server.call('get_consent', { number: '5145550101' }, { key: other.key });
    assert.deepEqual(theirConsent.body, { status: true, consent: [] });
  });

  it('exports the consent log and the suppression list as CSV', async () => {
    const fetchCsv = async (endpoint: string) => {
      const response = await fetch(`${server.url}/api/${endpoint}`, {
        method: 'POST',
        headers: { 'VUDUMOBILE-API-KEY': server.account.key },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
      return (await response.text()).split('\r\n');
    };
    const consent = await fetchCsv('export_consent');
    assert.equal(consent[0], 'id,number,email,action,type,source,evidence,at,expires_at');
    assert.ok(
      consent.some((line) =>
        /^\d+,15145550101,,granted,express,api,post_contact \(API key 1\): signed up at the fair,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,$/.test(
          line,
        ),
      ),
      consent.join('\n'),
    );
    const suppressions = await fetchCsv('export_suppressions');
    assert.equal(suppressions[0], 'number,reason,since');
    assert.ok(suppressions.some((line) => line.startsWith(`${INVALID_NUMBER},UNDELIV_303,`)));
  });
});
