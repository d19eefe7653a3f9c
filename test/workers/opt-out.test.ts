import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmscSim, type SmscSim, type SubmittedPdu } from '../../src/transport/smsc-sim/smsc-sim.js';
import { decodeText } from '../../src/transport/smpp/sms-encoding.js';
import { createBroadcastFanOut } from '../../src/main.js';
import { BroadcastQueueRepo } from '../../src/store/broadcasts/broadcast-queue-repo.js';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastMessages, fanOutDone } from '../helpers/broadcasts.js';
import { waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { smppUrl } from '../helpers/smpp.js';

/**
 * Opt-out keywords end to end: the MO arrives from the SMSC simulator over SMPP, the platform blocks
 * the number, and its confirmation leaves through the dispatcher back to the simulator.
 */
describe('opt-out keywords on inbound SMS (STOP, ARRET, START, REPRISE)', () => {
  let sim: SmscSim;
  let server: TestServer;
  const SENDER = '15149541234';
  before(async () => {
    sim = await startSmscSim({ systemId: 'test', password: 'secret', receiptDelayMs: 5 });
    // Bulk paced at 2/s, so a broadcast's later messages are still queued when a STOP arrives.
    server = await startTestServer({
      env: { SMPP_URL: smppUrl(sim.port) },
      config: { broadcastRatePerAccount: 2 },
    });
    await waitFor('the SMPP bind', () => sim.boundSessions > 0);
  });
  after(async () => {
    await server.close();
    await sim.close();
  });

  const textOf = (pdu: SubmittedPdu): string => decodeText(pdu.dataCoding, pdu.shortMessage);
  const answersTo = (number: string): string[] =>
    sim.submitted.filter((p) => p.destinationAddr === number).map(textOf);
  const mo = (from: string, text: string) => sim.injectMo({ from, to: SENDER, text });
  const contact = async (number: string) => (await server.call('get_contact', { number })).body;

  it('ARRÊT from an unknown number: contact created blocked, sends refused, one confirmation in French', async () => {
    const number = '15145550300';
    await mo(number, ' Arrêt. ');
    const [answer] = await waitFor('the confirmation', () => {
      const texts = answersTo(number);
      return texts.length > 0 && texts;
    });
    assert.match(answer ?? '', /^Désabonnement confirmé.*REPRISE/);
    const found = await contact(number);
    assert.equal(found.contact[0].is_blocked, 1);
    const refused = await server.call('send', { to: number, message: 'Promo!' });
    assert.deepEqual([refused.status, refused.body], [403, { status: false, error: 'recipient is blocked' }]);
    // The keyword itself is a message like any other in the feed, linked to the new contact.
    const feed = await server.call('get_feed', { date_start: '2000-01-01 00:00:00' });
    assert.ok(
      feed.body.some((m: { from: string; message: string }) => m.from === number && m.message === ' Arrêt. '),
    );
    assert.equal(answersTo(number).length, 1);
  });

  it('STOP then START from an English contact: blocked, then unblocked, each answered in English', async () => {
    const number = '15145550301';
    await server.call('post_contact', { number, name: 'Listener', language: 'en' });
    await mo(number, 'stop');
    await waitFor('the STOP confirmation', () => answersTo(number).length === 1);
    assert.match(answersTo(number)[0] ?? '', /^You are unsubscribed.*START/);
    assert.equal((await contact(number)).contact[0].is_blocked, 1);
    assert.equal((await server.call('send', { to: number, message: 'x' })).status, 403);

    await mo(number, 'START');
    await waitFor('the START confirmation', () => answersTo(number).length === 2);
    assert.match(answersTo(number)[1] ?? '', /^You are subscribed again.*STOP/);
    assert.equal((await contact(number)).contact[0].is_blocked, 0);
    const sent = await server.call('send', { to: number, message: 'Welcome back' });
    assert.equal(sent.status, 200);
    await waitFor('the message after START', () => answersTo(number).includes('Welcome back'));
    // CASL: the consent log and the suppression history keep both keywords, newest first.
    const consent = (await server.call('get_consent', { number })).body.consent;
    assert.deepEqual(
      consent.map((e: Record<string, string>) => [e.action, e.source, e.evidence]),
      [
        ['granted', 'opt_out_keyword', `SMS "START" to ${SENDER}`],
        ['withdrawn', 'opt_out_keyword', `SMS "stop" to ${SENDER}`],
        ['granted', 'api', 'post_contact (API key 1)'],
      ],
    );
    const { history } = (await server.call('get_suppression', { number })).body;
    assert.deepEqual(
      history.map((h: Record<string, string>) => [h.action, h.source, h.actor, h.reason]),
      [
        ['lifted', 'keyword', number, 'START'],
        ['suppressed', 'keyword', number, 'stop'],
      ],
    );
  });

  it('a sentence that merely contains a keyword is a message for a human, not an opt-out', async () => {
    const number = '15145550302';
    await server.call('post_contact', { number, name: 'Chatty' });
    await mo(number, 'Stop calling me at night please');
    await waitFor('the message in the feed', async () => {
      const feed = await server.call('get_feed', { date_start: '2000-01-01 00:00:00' });
      return feed.body.some((m: { from: string }) => m.from === number);
    });
    assert.equal((await contact(number)).contact[0].is_blocked, 0);
    assert.equal((await server.call('send', { to: number, message: 'Sorry!' })).status, 200);
  });

  it('a number that opted out stays refused after its contact is deleted and re-created', async () => {
    const number = '15145550303';
    await mo(number, 'DESABONNER');
    await waitFor('the confirmation', () => answersTo(number).length === 1);
    const id = String((await contact(number)).contact[0].id);
    assert.equal((await server.call('delete_contact', { id })).status, 200);
    await server.call('post_contact', { number, name: 'Again' });
    const refused = await server.call('send', { to: number, message: 'x' });
    assert.deepEqual(refused.body, { status: false, error: 'recipient is blocked' });
  });

  it('STOP cancels the broadcast messages still queued for the contact; the broadcast completes without them', async () => {
    const numbers = ['15145550310', '15145550311', '15145550312', '15145550313'];
    assert.equal((await server.call('post_group', { group_name: 'Paced' })).status, 200);
    for (const number of numbers) {
      await server.call('post_contact', { number, name: 'Fan' });
      await server.call('add_group_contact', { group: 'Paced', contact: number });
    }
    const added = await server.call('post_broadcast', {
      name: 'Promo',
      from_groups: 'Paced',
      fr_message: 'Promo _NAME_',
    });
    const id = String(added.body.broadcast.id);
    assert.equal((await server.call('start_broadcast', { broadcast: id })).body.status, true);
    const last = numbers[3] ?? '';
    // Queued already: the fourth message's slot is 1.5 s after the first; the STOP lands before it.
    await fanOutDone(server.platform.store.db, Number(id));
    await mo(last, 'STOP');
    await waitFor('the STOP confirmation', () => answersTo(last).length === 1);
    const done = await waitFor('the broadcast to complete', async () => {
      const got = await server.call('get_broadcast', { broadcast: id });
      return got.body.broadcast.broadcast_status === 'completed' && got.body.broadcast;
    });
    assert.equal(done.number_sent, '3');
    for (const number of numbers.slice(0, 3)) assert.deepEqual(answersTo(number), ['Promo Fan']);
    assert.deepEqual(answersTo(last), [answersTo(last)[0]]);
    assert.match(answersTo(last)[0] ?? '', /^Désabonnement confirmé/);
    const rows = await broadcastMessages(server.platform.store.db, Number(id));
    assert.deepEqual(
      rows.filter((m) => m.to_number === last).map((m) => [m.status, m.error]),
      [['cancelled', 'recipient opted out']],
    );
  });
});

describe('opt-out between start_broadcast and the fan-out', () => {
  it('a number that opted out after the recipients were resolved gets no broadcast message', async () => {
    // No background workers: the fan-out runs when this test says so, after the STOP.
    const quiet = await startTestServer({ role: 'api' });
    try {
      const db = quiet.platform.store.db;
      const account = quiet.account.id;
      const stays = await makeContact(db, account, { number: '15145550401', name: 'Stays' });
      const leaves = await makeContact(db, account, { number: '15145550402', name: 'Leaves' });
      await makeGroup(db, account, 'Both', [stays, leaves]);
      const added = await quiet.call('post_broadcast', {
        name: 'B',
        from_groups: 'Both',
        fr_message: 'Salut',
      });
      const id = added.body.broadcast.id as number;
      assert.equal((await quiet.call('start_broadcast', { broadcast: String(id) })).body.status, true);
      const stop = await quiet.platform.ctx.inbound.receive({
        from: '15145550402',
        to: '15149541234',
        text: 'ARRET',
        partCount: 1,
        receivedAt: Date.now(),
      });
      assert.ok(stop.routed && stop.optOut?.action === 'stop');
      const worker = createBroadcastFanOut(
        new BroadcastQueueRepo(quiet.platform.store.db, quiet.platform.store.dialect),
        quiet.platform.ctx.log,
        Date.now,
        {
          batchSize: 10,
          ratePerSecond: null,
        },
      );
      worker.start();
      try {
        await fanOutDone(db, id);
      } finally {
        await worker.stop();
      }
      const rows = await broadcastMessages(db, id);
      assert.deepEqual(
        rows.map((m) => [m.to_number, m.status, m.error]),
        [
          ['15145550401', 'queued', null],
          ['15145550402', 'cancelled', 'recipient opted out'],
        ],
      );
    } finally {
      await quiet.close();
    }
  });
});
