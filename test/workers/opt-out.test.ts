import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmscSim, type SmscSim, type SubmittedPdu } from '../../src/transport/smsc-sim/smsc-sim.js';
import { decodeText } from '../../src/transport/smpp/sms-encoding.js';
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
    server = await startTestServer({ env: { SMPP_URL: smppUrl(sim.port) } });
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
});
