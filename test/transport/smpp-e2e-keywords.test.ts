/**
 * A keyword contest end to end (issue #15): listeners text the keyword to the SMSC simulator, which
 * delivers each MO over SMPP to the platform; the auto-replies come back to the simulator as
 * submit_sm in each contact's language; entries are the distinct numbers; a winner is drawn among
 * them; the entries export as CSV. Also: the per-number reply limit, a keyword outside its active
 * period (no reply, no flag), and the `keyword` webhook event. Runs on both stores.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SubmittedPdu } from '../../src/transport/smsc-sim/smsc-sim.js';
import { decodeText } from '../../src/transport/smpp/sms-encoding.js';
import { waitFor } from '../helpers/messages.js';
import { startSmppPlatform, type SmppPlatform } from '../helpers/smpp-platform.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const SENDER = '15149541234'; // startTestServer's first account
const FR_REPLY = 'Merci! Vous êtes inscrit au concours de Noël.';
const EN_REPLY = 'Thanks! You are entered in the Christmas contest.';

/** The texts the SMSC accepted for one destination (single-part replies). */
function textsTo(platform: SmppPlatform, to: string): string[] {
  const parts: SubmittedPdu[] = platform.sims[0]?.submitted.filter((pdu) => pdu.destinationAddr === to) ?? [];
  return parts.map((pdu) => decodeText(pdu.dataCoding, pdu.shortMessage));
}

describe('a keyword contest through the SMSC simulator', () => {
  let platform: SmppPlatform;
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
    platform = await startSmppPlatform([{}], { env: { WEBHOOK_ALLOW_PRIVATE: '1' } });
  });
  after(async () => {
    await platform.close();
    await receiver.close();
  });

  const call = async (endpoint: string, params: Record<string, string> = {}) => {
    const response = await platform.server.call(endpoint, params);
    assert.equal(response.status, 200, `${endpoint}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const text = (from: string, message: string) =>
    platform.sims[0]?.injectMo({ from, to: SENDER, text: message });
  const mtCount = async (to: string) =>
    (
      await platform.server.platform.store.db
        .selectFrom('messages')
        .select('id')
        .where('direction', '=', 'mt')
        .where('to_number', '=', to)
        .execute()
    ).length;

  it('enters each number once, answers in its language, draws a winner among the entries', async () => {
    await call('post_group', { group_name: 'Concours Noël' });
    await call('post_contact', { number: '15145550102', name: 'Ann', language: 'en' });
    await call('post_webhook', { url: receiver.url, events: 'keyword' });
    const { keyword } = await call('post_keyword', {
      fr_keywords: 'CONCOURS',
      en_keywords: 'CONTEST',
      fr_reply: FR_REPLY,
      en_reply: EN_REPLY,
      group: 'Concours Noël',
      contest: '1',
      webhook: '1',
    });
    await text('15145550101', 'Concours'); // new number, French variant
    await text('15145550102', 'concours!'); // an English contact: answered in English
    await text('15145550103', 'CONTEST please'); // new number, English variant
    await text('15145550101', 'CONCOURS encore'); // the same number again: no entry, no reply (limit 1)

    await waitFor('the three auto-replies at the SMSC', () =>
      ['15145550101', '15145550102', '15145550103'].every((n) => textsTo(platform, n).length > 0),
    );
    assert.deepEqual(textsTo(platform, '15145550101'), [FR_REPLY]);
    assert.deepEqual(textsTo(platform, '15145550102'), [EN_REPLY]);
    assert.deepEqual(textsTo(platform, '15145550103'), [EN_REPLY]);
    assert.equal(await mtCount('15145550101'), 1, 'one reply for two texts');
    const replyFrom = platform.sims[0]?.submitted.find((pdu) => pdu.destinationAddr === '15145550103');
    assert.equal(replyFrom?.sourceAddr, SENDER, 'answered from the number texted');

    const id = String(keyword.id);
    const detail = await call('get_keyword', { id });
    assert.deepEqual([detail.keyword.matches, detail.keyword.entries, detail.keyword.drawn], [4, 3, 0]);
    const { entries } = await call('get_keyword_entries', { id });
    assert.deepEqual(
      entries.map((e: { number: string; language: string }) => [e.number, e.language]),
      [
        ['15145550101', 'fr'],
        ['15145550102', 'en'],
        ['15145550103', 'en'],
      ],
    );
    const members = await call('get_contacts', { group: 'Concours Noël' });
    assert.deepEqual(
      members.contacts.map((c: { number: string; language: string }) => [c.number, c.language]).sort(),
      [
        ['15145550101', 'fr'],
        ['15145550102', 'en'],
        ['15145550103', 'en'],
      ],
    );
    const flagged = await platform.server.platform.store.db
      .selectFrom('messages')
      .select(['from_number', 'is_kw'])
      .where('direction', '=', 'mo')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      flagged.map((m) => m.is_kw),
      [1, 1, 1, 1],
    );

    const { winner } = await call('draw_keyword_winner', { id });
    assert.ok(['15145550101', '15145550102', '15145550103'].includes(winner.number), winner.number);
    const csv = await fetch(`${platform.server.url}/api/get_keyword_entries?id=${id}&format=csv`, {
      headers: { 'VUDUMOBILE-API-KEY': platform.server.account.key },
    });
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines[0], 'number,language,msg_id,entered_at,drawn_at');
    assert.deepEqual(
      lines.slice(1).map((line) => line.split(',')[0]),
      ['15145550101', '15145550102', '15145550103'],
    );
    assert.equal(lines.filter((line) => !line.endsWith(',')).length, 2, 'the header and the winner only');

    await waitFor('four keyword webhook events', () => receiver.received.length >= 4);
    const first = JSON.parse(receiver.received[0]?.body ?? '{}') as Record<string, unknown>;
    assert.equal(receiver.received[0]?.headers['x-vudumobile-event'], 'keyword');
    assert.deepEqual(
      { ...first, msg_id: 0, datetime: '', reply_msg_id: typeof first.reply_msg_id },
      {
        event: 'keyword',
        msg_id: 0,
        direction: 'mo',
        from: '15145550101',
        to: SENDER,
        message: 'Concours',
        datetime: '',
        part_count: 1,
        keyword: { id: keyword.id, name: 'CONCOURS' },
        language: 'fr',
        reply_msg_id: 'number',
        contest_entry: true,
      },
    );
  });

  it('respects the per-number reply limit', async () => {
    await call('post_keyword', { fr_keywords: 'INFO', fr_reply: 'Infos: 514-555-0000', reply_limit: '2' });
    for (let i = 0; i < 3; i++) await text('15145550201', 'info');
    await waitFor('two replies at the SMSC', () => textsTo(platform, '15145550201').length >= 2);
    assert.equal(await mtCount('15145550201'), 2, 'the third text got no reply');
    assert.deepEqual(textsTo(platform, '15145550201'), ['Infos: 514-555-0000', 'Infos: 514-555-0000']);
  });

  it('outside its active period a keyword neither answers nor flags', async () => {
    const past = { starts_at: '2020-01-01 00:00:00', ends_at: '2020-01-31 00:00:00' };
    const { keyword } = await call('post_keyword', { fr_keywords: 'NOEL', fr_reply: 'Joyeux Noël', ...past });
    const future = { starts_at: '2099-01-01 00:00:00' };
    await call('post_keyword', { fr_keywords: 'PAQUES', fr_reply: 'Joyeuses Pâques', ...future });
    await text('15145550301', 'Noel');
    await text('15145550301', 'Pâques');
    assert.equal(await mtCount('15145550301'), 0);
    const rows = await platform.server.platform.store.db
      .selectFrom('messages')
      .select('is_kw')
      .where('from_number', '=', '15145550301')
      .execute();
    assert.deepEqual(
      rows.map((r) => r.is_kw),
      [0, 0],
    );
    assert.equal((await call('get_keyword', { id: String(keyword.id) })).keyword.matches, 0);
  });

  it('an opt-out keyword keeps priority over the account’s keywords', async () => {
    await text('15145550401', 'STOP');
    await waitFor('the opt-out confirmation', () => textsTo(platform, '15145550401').length > 0);
    // A suppressed number that texts a keyword is counted, but never answered nor added to a group.
    await text('15145550401', 'CONCOURS');
    assert.equal(await mtCount('15145550401'), 1, 'only the opt-out confirmation');
  });
});
