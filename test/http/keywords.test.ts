/**
 * Keywords over HTTP (extensions, issue #15): post_keyword, get_keywords, get_keyword,
 * delete_keyword, get_keyword_entries (JSON and CSV), draw_keyword_winner — exact bodies, every
 * error of the catalogue, another account's keyword answered as not found. Inbound messages are
 * received through the platform's InboundService (the SMSC end to end is
 * test/transport/smpp-e2e-keywords.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createInboundService } from '../../src/main.js';
import { testSandbox } from '../helpers/messages.js';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/server.js';

const SENDER = '15149541234'; // the first account's
const OTHER_SENDER = '15149547777';
const NOW = Date.UTC(2026, 11, 3, 15, 0, 0);

describe('keywords: post_keyword, get_keywords, get_keyword, delete_keyword, entries, draw', () => {
  let server: TestServer;
  let other: TestAccount;
  const clock = NOW;
  before(async () => {
    server = await startTestServer({ sms: testSandbox(), holdOutbound: true, now: () => clock });
    other = await server.createAccount({ name: 'Other', senders: [OTHER_SENDER] });
  });
  after(() => server.close());

  const post = async (params: Record<string, string>, key?: string) => {
    const response = await server.call('post_keyword', params, key === undefined ? {} : { key });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.keyword as { id: number };
  };
  const receive = (from: string, text: string, to = SENDER) =>
    server.platform.ctx.inbound.receive({ from, to, text, partCount: 1, receivedAt: clock });

  it('creates a keyword and shows it as get_keywords and get_keyword do', async () => {
    const created = await server.call('post_keyword', {
      fr_keywords: 'Météo, meteo quebec',
      en_keywords: 'WEATHER',
      fr_reply: 'Soleil, 20 degrés',
      en_reply: 'Sunny, 20 degrees',
      from: SENDER,
      starts_at: '2026-12-01 00:00:00',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const id = created.body.keyword.id as number;
    const expected = {
      id,
      name: 'Météo',
      fr_keywords: ['Météo', 'meteo quebec'],
      en_keywords: ['WEATHER'],
      from: SENDER,
      fr_reply: 'Soleil, 20 degrés',
      en_reply: 'Sunny, 20 degrees',
      group: null,
      webhook: 0,
      starts_at: '2026-12-01 00:00:00',
      ends_at: null,
      reply_limit: 1,
      contest: 0,
      matches: 0,
      created_at: '2026-12-03 15:00:00',
    };
    assert.deepEqual(created.body, { status: true, keyword: expected });
    const list = await server.call('get_keywords');
    assert.deepEqual(
      list.body.keywords.find((k: { id: number }) => k.id === id),
      expected,
    );
    await receive('15145550001', 'METEO Montréal!');
    const one = await server.call('get_keyword', { id: String(id) });
    assert.deepEqual(one.body, { status: true, keyword: { ...expected, matches: 1, entries: 0, drawn: 0 } });
    const row = await server.platform.store.db
      .selectFrom('messages')
      .select(['is_kw', 'body'])
      .where('direction', '=', 'mo')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { is_kw: 1, body: 'METEO Montréal!' });
  });

  it('changes only the parameters sent, and clears with none', async () => {
    const group = await server.call('post_group', { group_name: 'Auditeurs' });
    const { id } = await post({ fr_keywords: 'DEMANDE', fr_reply: 'Merci!', group: 'Auditeurs' });
    const changed = await server.call('post_keyword', {
      id: String(id),
      en_keywords: 'REQUEST',
      reply_limit: '3',
    });
    assert.equal(changed.status, 200);
    assert.deepEqual(
      [changed.body.keyword.fr_keywords, changed.body.keyword.en_keywords, changed.body.keyword.fr_reply],
      [['DEMANDE'], ['REQUEST'], 'Merci!'],
    );
    assert.deepEqual(changed.body.keyword.group, { id: group.body.group.id, name: 'Auditeurs' });
    assert.equal(changed.body.keyword.reply_limit, 3);
    const cleared = await server.call('post_keyword', { id: String(id), group: 'none', fr_reply: 'none' });
    assert.deepEqual([cleared.body.keyword.group, cleared.body.keyword.fr_reply], [null, null]);
  });

  it('answers each error of the catalogue', async () => {
    await post({ fr_keywords: 'CONCOURS', contest: '1' });
    const cases: [string, Record<string, string>, number, string][] = [
      ['post_keyword', {}, 400, 'fr_keywords or en_keywords parameter is missing'],
      ['post_keyword', { fr_keywords: ' , ' }, 400, 'fr_keywords or en_keywords parameter is missing'],
      [
        'post_keyword',
        { fr_keywords: 'ARRÊT' },
        400,
        'Invalid keyword: ARRÊT (letters, digits and spaces, 40 characters at most, not an opt-out keyword such as STOP)',
      ],
      [
        'post_keyword',
        { fr_keywords: '!!!' },
        400,
        'Invalid keyword: !!! (letters, digits and spaces, 40 characters at most, not an opt-out keyword such as STOP)',
      ],
      [
        'post_keyword',
        { en_keywords: 'concours' },
        409,
        'keyword CONCOURS is already used by another keyword of this account',
      ],
      [
        'post_keyword',
        { fr_keywords: 'ABC', starts_at: '2026-12-05 00:00:00', ends_at: '2026-12-04 00:00:00' },
        400,
        'starts_at and ends_at must be dates (YYYY-MM-DD HH:MM:SS, UTC), ends_at after starts_at',
      ],
      [
        'post_keyword',
        { fr_keywords: 'ABC', ends_at: 'tomorrow' },
        400,
        'starts_at and ends_at must be dates (YYYY-MM-DD HH:MM:SS, UTC), ends_at after starts_at',
      ],
      [
        'post_keyword',
        { fr_keywords: 'ABC', reply_limit: '-1' },
        400,
        'reply_limit must be a whole number from 0 to 1000',
      ],
      ['post_keyword', { fr_keywords: 'ABC', contest: 'yes' }, 400, 'contest must be 0 or 1'],
      ['post_keyword', { fr_keywords: 'ABC', webhook: '2' }, 400, 'webhook must be 0 or 1'],
      [
        'post_keyword',
        { fr_keywords: 'ABC', from: OTHER_SENDER },
        400,
        'from is not one of your sender numbers',
      ],
      ['post_keyword', { fr_keywords: 'ABC', group: 'Nope' }, 404, 'group not found'],
      [
        'post_keyword',
        { fr_keywords: 'ABC', group: 'Blocked' },
        400,
        'a keyword cannot add contacts to the Blocked group',
      ],
      ['post_keyword', { fr_keywords: 'ABC', fr_reply: 'x'.repeat(1001) }, 400, 'fr_reply is too long'],
      ['post_keyword', { id: '999999', fr_keywords: 'ABC' }, 404, 'keyword not found'],
      ['get_keyword', {}, 400, 'keyword identifier parameter is missing'],
      ['get_keyword', { id: 'abc' }, 404, 'keyword not found'],
      ['delete_keyword', {}, 400, 'keyword identifier parameter is missing'],
      ['delete_keyword', { id: '999999' }, 404, 'keyword not found'],
      ['get_keyword_entries', { id: '999999' }, 404, 'keyword not found'],
      ['draw_keyword_winner', {}, 400, 'keyword identifier parameter is missing'],
    ];
    for (const [endpoint, params, status, error] of cases) {
      const response = await server.call(endpoint, params);
      assert.deepEqual(
        [response.status, response.body],
        [status, { status: false, error }],
        `${endpoint} ${JSON.stringify(params)}`,
      );
    }
  });

  it('refuses a reply longer than 10 parts', async () => {
    const response = await server.call('post_keyword', { fr_keywords: 'LONG', fr_reply: 'ç'.repeat(671) });
    assert.deepEqual(
      [response.status, response.body],
      [400, { status: false, error: 'message is too long (maximum 10 parts)' }],
    );
  });

  it('answers the contest errors: not a contest, format, nothing left to draw', async () => {
    const plain = await post({ fr_keywords: 'SIMPLE' });
    const contest = await post({ fr_keywords: 'GAGNER', contest: '1' });
    for (const endpoint of ['get_keyword_entries', 'draw_keyword_winner']) {
      const response = await server.call(endpoint, { id: String(plain.id) });
      assert.deepEqual(
        [response.status, response.body],
        [409, { status: false, error: 'keyword is not a contest' }],
      );
    }
    const format = await server.call('get_keyword_entries', { id: String(contest.id), format: 'xml' });
    assert.deepEqual(
      [format.status, format.body],
      [400, { status: false, error: 'format must be json or csv' }],
    );
    const empty = await server.call('draw_keyword_winner', { id: String(contest.id) });
    assert.deepEqual(
      [empty.status, empty.body],
      [409, { status: false, error: 'keyword has no entry left to draw' }],
    );
  });

  it('lists entries (JSON and CSV) and draws each number once', async () => {
    const { id } = await post({ fr_keywords: 'TIRAGE', en_keywords: 'DRAW', contest: '1' });
    await receive('15145550011', 'tirage');
    await receive('15145550012', 'Draw me');
    await receive('15145550011', 'TIRAGE encore'); // the same number: no second entry
    const entries = await server.call('get_keyword_entries', { id: String(id) });
    assert.equal(entries.status, 200);
    assert.deepEqual(entries.body.keyword, { id, name: 'TIRAGE' });
    assert.deepEqual(
      entries.body.entries.map(
        (e: { number: string; language: string; entered_at: string; drawn_at: null }) => [
          e.number,
          e.language,
          e.entered_at,
          e.drawn_at,
        ],
      ),
      [
        ['15145550011', 'fr', '2026-12-03 15:00:00', null],
        ['15145550012', 'en', '2026-12-03 15:00:00', null],
      ],
    );
    const csv = await fetch(`${server.url}/api/get_keyword_entries?id=${id}&format=csv`, {
      headers: { 'VUDUMOBILE-API-KEY': server.account.key },
    });
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(csv.headers.get('content-disposition'), `attachment; filename="keyword-${id}-entries.csv"`);
    const [e1, e2] = entries.body.entries as { msg_id: number }[];
    assert.equal(
      await csv.text(),
      'number,language,msg_id,entered_at,drawn_at\r\n' +
        `15145550011,fr,${e1?.msg_id},2026-12-03 15:00:00,\r\n` +
        `15145550012,en,${e2?.msg_id},2026-12-03 15:00:00,\r\n`,
    );
    const first = await server.call('draw_keyword_winner', { id: String(id) });
    const second = await server.call('draw_keyword_winner', { id: String(id) });
    const winners = [first.body.winner.number, second.body.winner.number].sort();
    assert.deepEqual(winners, ['15145550011', '15145550012']);
    assert.equal(first.body.winner.drawn_at, '2026-12-03 15:00:00');
    const third = await server.call('draw_keyword_winner', { id: String(id) });
    assert.equal(third.status, 409);
    const detail = await server.call('get_keyword', { id: String(id) });
    assert.deepEqual(
      [detail.body.keyword.matches, detail.body.keyword.entries, detail.body.keyword.drawn],
      [3, 2, 2],
    );
  });

  it('treats another account’s keyword as not found, on every endpoint', async () => {
    const theirs = await post({ fr_keywords: 'SECRET', contest: '1' }, other.key);
    const id = String(theirs.id);
    for (const endpoint of ['get_keyword', 'delete_keyword', 'get_keyword_entries', 'draw_keyword_winner']) {
      const response = await server.call(endpoint, { id });
      assert.deepEqual(
        [response.status, response.body],
        [404, { status: false, error: 'keyword not found' }],
        endpoint,
      );
    }
    const update = await server.call('post_keyword', { id, fr_keywords: 'VOLE' });
    assert.deepEqual([update.status, update.body], [404, { status: false, error: 'keyword not found' }]);
    const mine = (await server.call('get_keywords')).body.keywords as { id: number }[];
    assert.ok(!mine.some((k) => k.id === theirs.id));
    // The same word is free in another account, and its messages do not match here.
    await post({ fr_keywords: 'SECRET' });
    const still = await server.call('get_keyword', { id }, { key: other.key });
    assert.equal(still.body.keyword.fr_keywords[0], 'SECRET');
  });

  it('deletes a keyword: gone from the list, its messages stay in the feed', async () => {
    const { id } = await post({ fr_keywords: 'EPHEMERE', contest: '1' });
    await receive('15145550021', 'ephemere');
    const deleted = await server.call('delete_keyword', { id: String(id) });
    assert.deepEqual([deleted.status, deleted.body], [200, { status: true }]);
    const again = await server.call('get_keyword', { id: String(id) });
    assert.equal(again.status, 404);
    const feed = await server.call('get_feed', { date_start: '2026-12-03 00:00:00' });
    assert.ok((feed.body as { message: string }[]).some((m) => m.message === 'ephemere'));
  });

  it('a keyword that joins a group records an express keyword consent in the CASL log', async () => {
    const inbound = createInboundService(server.platform.store, pino({ level: 'silent' }), {
      now: () => clock,
    });
    await server.call('post_group', { group_name: 'Club' });
    await post({ en_keywords: 'JOIN', group: 'Club', en_reply: 'Welcome to the club' });
    await post({ en_keywords: 'HELLO' }); // no group: no consent entry
    await inbound.receive({
      from: '15145550031',
      to: SENDER,
      text: 'join now',
      partCount: 1,
      receivedAt: clock,
    });
    await inbound.receive({
      from: '15145550032',
      to: SENDER,
      text: 'hello',
      partCount: 1,
      receivedAt: clock,
    });
    const joined = await server.call('get_consent', { number: '15145550031' });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.deepEqual(
      joined.body.consent.map((e: Record<string, unknown>) => [
        e.action,
        e.consent_type,
        e.source,
        e.evidence,
      ]),
      [['granted', 'express', 'keyword', `"join now" texted to ${SENDER}`]],
    );
    const greeted = await server.call('get_consent', { number: '15145550032' });
    assert.deepEqual(greeted.body.consent, []);
    const members = await server.call('get_contacts', { group: 'Club' });
    assert.deepEqual(
      members.body.contacts.map((c: { number: string; language: string }) => [c.number, c.language]),
      [['15145550031', 'en']],
    );
  });
});
