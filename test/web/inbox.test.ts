import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { SandboxSmsTransport } from '../../src/transport/sandbox/sandbox-sms.js';
import { createUser } from '../helpers/browser.js';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/server.js';
import { WebClient } from '../helpers/web-client.js';
import { readEvents } from '../helpers/sse.js';

const MINE = '15149541234';
const THEIRS = '15149549999';
/** Replies to this number come back UNDELIV:300 from the sandbox carrier. */
const UNREACHABLE = '15145550300';

describe('web: inbox and conversations (HTTP)', () => {
  let server: TestServer;
  let other: TestAccount;
  let web: WebClient;
  let theirs: WebClient;
  const cookieOf = (client: WebClient) => `vm_session=${client.cookie('vm_session') ?? ''}`;
  const receive = (from: string, text: string, to = MINE) =>
    server.platform.ctx.inbound.receive({ from, to, text, partCount: 1, receivedAt: Date.now() });

  before(async () => {
    const sms = new SandboxSmsTransport(pino({ level: 'silent' }), {
      receiptDelayMs: 20,
      outcome: (message) =>
        message.to === UNREACHABLE
          ? { kind: 'receipt', stat: 'UNDELIV', err: '300' }
          : { kind: 'receipt', stat: 'DELIVRD', err: '000' },
    });
    server = await startTestServer({ sms });
    other = await server.createAccount({ name: 'Autre radio', senders: [THEIRS] });
    web = new WebClient(server.url);
    assert.equal(
      (await web.signIn(await createUser(server, { role: 'member', language: 'fr' }))).status,
      303,
    );
    theirs = new WebClient(server.url);
    await theirs.signIn(await createUser(server, { accountId: other.id, language: 'en' }));
  });
  after(async () => {
    await server?.close();
  });

  test('threads newest first with unread counts; opening one reads it; search by number, name and text', async () => {
    await server.platform.ctx.addressBook.saveContact(
      { id: server.account.id, defaultLanguage: 'fr', defaultCountry: 'CA' },
      { name: 'Geneviève Ouellet', number: '514 555-0101' },
    );
    await receive('15145550101', 'Allô, je veux participer au concours');
    await receive('15145550102', 'Quelle chanson jouait à 8 h?');
    await receive('15145550101', 'Encore moi');
    const { response, body } = await web.get('/inbox');
    assert.equal(response.status, 200);
    const order = [...body.matchAll(/data-number="(\d+)"/g)].map((m) => m[1]);
    assert.deepEqual(order, ['15145550101', '15145550102']);
    assert.match(body, /Geneviève Ouellet[\s\S]*2 non lus[\s\S]*Encore moi/);
    assert.match(body, /15145550102[\s\S]*1 non lu\b/);

    const thread = await web.get('/inbox/15145550101');
    assert.equal(thread.response.status, 200);
    assert.match(thread.body, /<h1>Conversation avec Geneviève Ouellet<\/h1>/);
    assert.match(thread.body, /Allô, je veux participer[\s\S]*Encore moi/);
    assert.match(thread.body, /<textarea id="f-message" name="message" rows="3" required data-composer>/);
    assert.doesNotMatch((await web.get('/inbox')).body, /2 non lus/);

    const found = async (q: string) =>
      [...(await web.get(`/inbox?q=${encodeURIComponent(q)}`)).body.matchAll(/data-number="(\d+)"/g)].map(
        (m) => m[1],
      );
    assert.deepEqual(await found('514 555-0102'), ['15145550102']);
    assert.deepEqual(await found('genev'), ['15145550101']);
    assert.deepEqual(await found('CHANSON'), ['15145550102']);
    assert.deepEqual(await found('personne'), []);
  });

  test('a reply goes out through send; its status reaches delivered; a failure shows §6 in the reader’s language', async () => {
    await receive(UNREACHABLE, 'Bonjour');
    await web.get(`/inbox/${UNREACHABLE}`);
    const sent = await web.post(`/inbox/${UNREACHABLE}/reply`, { message: 'Merci de votre message!' });
    assert.equal(sent.response.status, 303);
    assert.equal(sent.response.headers.get('location'), `/inbox/${UNREACHABLE}?notice=sent`);
    let page = '';
    for (let i = 0; i < 100 && !/data-status="failed"/.test(page); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = (await web.get(`/inbox/${UNREACHABLE}?fragment=messages`)).body;
    }
    assert.match(page, /Merci de votre message!/);
    assert.match(page, /Échec/);
    assert.match(page, /Code UNDELIV_300\u00a0: Non livrable/);
    assert.match(page, /Action suggérée\u00a0: À votre discrétion/);

    // The same thread in English for an English user of the account.
    const english = new WebClient(server.url);
    await english.signIn(await createUser(server, { language: 'en' }));
    const en = (await english.get(`/inbox/${UNREACHABLE}?fragment=messages`)).body;
    assert.match(en, /Failed/);
    assert.match(en, /Code UNDELIV_300: Undeliverable/);
    assert.match(en, /Suggested action: At your discretion/);

    await receive('15145550103', 'Salut');
    await web.get('/inbox/15145550103');
    await web.post('/inbox/15145550103/reply', { message: 'Bonne journée' });
    for (let i = 0; i < 100 && !/data-status="delivered"/.test(page); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = (await web.get('/inbox/15145550103?fragment=messages')).body;
    }
    assert.match(page, /Bonne journée[\s\S]*Livré/);
  });

  test('an opted-out number cannot be replied to, and the page says why; STOP shows as a keyword', async () => {
    await receive('15145550104', 'STOP');
    const page = await web.get('/inbox/15145550104');
    assert.match(page.body, /Mot-clé de désabonnement/);
    assert.match(page.body, /id="reply-closed"[^>]*>Ce numéro s’est désabonné/);
    assert.doesNotMatch(page.body, /name="message"/);
    const mtIds = async () =>
      (
        (await server.call('get_feed', { date_start: '2020-01-01', direction: 'mt' })).body as {
          msg_id: number;
        }[]
      ).map((m) => m.msg_id);
    const before = await mtIds();
    const refused = await web.post('/inbox/15145550104/reply', { message: 'Vraiment?' });
    assert.equal(refused.response.status, 400);
    assert.match(refused.body, /role="alert">\s*Ce numéro s’est désabonné/);
    assert.deepEqual(await mtIds(), before, 'nothing was queued');
  });

  test('a message that matched one of the account’s keywords shows as a keyword (is_kw); another does not', async () => {
    const keyword = await server.call('post_keyword', { fr_keywords: 'Météo', fr_reply: 'Soleil' });
    assert.equal(keyword.status, 200, JSON.stringify(keyword.body));
    await receive('15145550110', 'meteo montréal');
    await receive('15145550110', 'Merci!');
    const page = await web.get('/inbox/15145550110');
    const bubbles = [...page.body.matchAll(/<li\s+class="bubble mo[\s\S]*?<\/li>/g)].map((m) => m[0]);
    assert.equal(bubbles.length, 2);
    assert.match(bubbles[0] ?? '', /meteo montréal[\s\S]*<span class="keyword">Mot-clé<\/span>/);
    assert.doesNotMatch(bubbles[1] ?? '', /class="keyword"/);
  });

  test('bad input: an empty or too long reply, a missing CSRF token, a malformed number', async () => {
    await receive('15145550105', 'Test');
    await web.get('/inbox/15145550105');
    const empty = await web.post('/inbox/15145550105/reply', { message: '' });
    assert.equal(empty.response.status, 400);
    assert.match(empty.body, /role="alert"/);
    const long = await web.post('/inbox/15145550105/reply', { message: 'x'.repeat(1600) });
    assert.equal(long.response.status, 400);
    assert.match(long.body, /role="alert"/);
    assert.match(long.body, /x{1600}/, 'the draft stays in the box');
    const forged = await web.post('/inbox/15145550105/reply', { message: 'hi' }, { csrf: null });
    assert.equal(forged.response.status, 403);
    assert.equal((await web.get('/inbox/not-a-number')).response.status, 404);
    assert.equal((await web.get('/inbox/15145550199')).response.status, 404, 'no thread with that number');
  });

  test('isolation: another account’s thread is a 404 and its events never reach this account’s stream', async () => {
    await receive('15145550106', 'Pour l’autre radio', THEIRS);
    assert.equal((await web.get('/inbox/15145550106')).response.status, 404);
    assert.equal((await web.post('/inbox/15145550106/reply', { message: 'x' })).response.status, 404);
    assert.doesNotMatch((await web.get('/inbox')).body, /15145550106/);
    assert.match((await theirs.get('/inbox')).body, /15145550106/);

    // Both streams open; B's message first, then A's: A's stream carries only A's.
    const since = String(await server.platform.ctx.accountEvents.latestId());
    const mineEvents = readEvents(`${server.url}/inbox/events?since=${since}`, cookieOf(web), (events) =>
      events.some((e) => e.number === '15145550108'),
    );
    const theirEvents = readEvents(`${server.url}/inbox/events?since=${since}`, cookieOf(theirs), (events) =>
      events.some((e) => e.number === '15145550107'),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await receive('15145550107', 'Pour B', THEIRS);
    await receive('15145550108', 'Pour A');
    const [a, b] = await Promise.all([mineEvents, theirEvents]);
    // (A's stream may also carry its earlier replies' receipts: its own events.)
    assert.deepEqual(
      a.filter((e) => e.kind === 'mo').map((e) => e.number),
      ['15145550108'],
    );
    assert.ok(!a.some((e) => e.number === '15145550107' || e.number === '15145550106'));
    assert.deepEqual(
      b.map((e) => [e.kind, e.number]),
      [['mo', '15145550107']],
    );
    // Signed out: no stream.
    const anonymous = await fetch(`${server.url}/inbox/events`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    await anonymous.text();
  });

  test('a reconnecting stream is replayed what it missed (Last-Event-ID)', async () => {
    const last = String(await server.platform.ctx.accountEvents.latestId());
    await receive('15145550109', 'Pendant la coupure');
    const replayed = await readEvents(
      `${server.url}/inbox/events`,
      cookieOf(web),
      (events) => events.length > 0,
      { lastEventId: last },
    );
    assert.deepEqual(
      replayed.map((e) => [e.kind, e.number, e.status]),
      [['mo', '15145550109', 'received']],
    );
  });
});
