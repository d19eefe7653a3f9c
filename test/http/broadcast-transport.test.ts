import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastMessages, waitFor } from '../helpers/broadcasts.js';
import { testSandbox } from '../helpers/messages.js';
import { parseMime, type MimeEntity } from '../helpers/mime.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { SandboxSmsTransport } from '../../src/transport/sandbox/sandbox-sms.js';

/**
 * What a broadcast hands to the carriers, read at the transports themselves: the sandbox SMS
 * carrier's record of each submit, and the .eml files the sandbox email transport wrote. The
 * dispatchers run for real; nothing here looks at the `messages` table's text.
 */
describe('broadcast rendering as the transports receive it', () => {
  let server: TestServer;
  let sms: SandboxSmsTransport;
  const ids: Record<string, number> = {};

  before(async () => {
    sms = testSandbox();
    server = await startTestServer({ sms });
    const db = server.platform.store.db;
    const account = server.account.id;
    ids.ann = await makeContact(db, account, {
      number: '15145550301',
      email: 'ann@example.com',
      name: 'Ann',
      description: 'VIP <b>',
      language: 'en',
    });
    ids.bea = await makeContact(db, account, {
      number: '15145550302',
      email: 'bea@example.com',
      name: 'Béa',
      description: 'Fidèle & fière',
      language: 'fr',
    });
    ids.carl = await makeContact(db, account, { number: '15145550303', name: 'Carl', language: 'en' });
    ids.blocked = await makeContact(db, account, {
      number: '15145550304',
      email: 'blocked@example.com',
      name: 'Blocked',
      isBlocked: true,
    });
    await makeGroup(db, account, 'Listeners', [ids.ann, ids.bea, ids.carl, ids.blocked]);
  });
  after(() => server.close());

  /** Starts a broadcast to Listeners and waits until every SMS and email has a final state. */
  async function runBroadcast(params: Record<string, string>): Promise<number> {
    const added = await server.call('post_broadcast', { name: 'Promo', from_groups: 'Listeners', ...params });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const id = String(added.body.broadcast.id);
    assert.deepEqual((await server.call('start_broadcast', { broadcast: id })).body, { status: true });
    await waitFor(
      `broadcast ${id} to complete`,
      async () => {
        const detail = (await server.call('get_broadcast', { broadcast: id })).body;
        return detail.broadcast.broadcast_status === 'completed';
      },
      30_000,
    );
    return Number(id);
  }

  /** Number → text of every SMS the carrier accepted for this broadcast. */
  async function smsAtCarrier(broadcastId: number): Promise<Map<string, string>> {
    const messageIds = new Set(
      (await broadcastMessages(server.platform.store.db, broadcastId)).map((m) => m.id),
    );
    const accepted = sms.submitted.filter((s) => messageIds.has(s.messageId));
    for (const s of accepted)
      assert.equal(sms.acceptedByMessage.get(s.messageId), s.parts.length, 'sent once');
    return new Map(accepted.map((s) => [s.to, s.text]));
  }

  it('sends each contact its language, merge fields filled, SMS and email, none to the blocked', async () => {
    const id = await runBroadcast({
      fr_message: 'Bonjour _NAME_ (_NUMBER_) _NOTES_',
      en_message: 'Hi _NAME_ <_EMAIL_> _NOTES_',
      fr_subject: 'Nouvelles pour _NAME_',
      fr_email: 'Bonjour _NAME_ <_EMAIL_>\n_NOTES_ & merci',
      en_subject: 'News for _NAME_',
      en_email: 'Hello _NAME_ (_NUMBER_)\n_NOTES_',
    });
    assert.deepEqual(
      await smsAtCarrier(id),
      new Map([
        ['15145550301', 'Hi Ann <ann@example.com> VIP <b>'],
        ['15145550302', 'Bonjour Béa (15145550302) Fidèle & fière'],
        ['15145550303', 'Hi Carl <> '],
      ]),
    );

    const emails = await emailsAtTransport(server.dir);
    const ann = emails.get('ann@example.com');
    const bea = emails.get('bea@example.com');
    assert.equal(emails.size, 2, 'one email per contact with an address, none to the blocked');
    assert.equal(ann?.subject, 'News for Ann');
    assert.equal(ann?.text, 'Hello Ann (15145550301)\nVIP <b>');
    assert.equal(ann?.html, 'Hello Ann (15145550301)<br>\nVIP &lt;b&gt;', 'the notes cannot inject HTML');
    assert.equal(bea?.subject, 'Nouvelles pour Béa');
    assert.equal(bea?.text, 'Bonjour Béa <bea@example.com>\nFidèle & fière & merci');
    assert.equal(bea?.html, 'Bonjour Béa &lt;bea@example.com&gt;<br>\nFidèle &amp; fière &amp; merci');
  });

  it('falls back to the other language when the contact’s own has no text', async () => {
    const id = await runBroadcast({ en_message: 'Only English for _NAME_' });
    assert.deepEqual(
      await smsAtCarrier(id),
      new Map([
        ['15145550301', 'Only English for Ann'],
        ['15145550302', 'Only English for Béa'],
        ['15145550303', 'Only English for Carl'],
      ]),
    );
    const frOnly = await runBroadcast({ fr_message: 'Seulement en français, _NAME_' });
    assert.deepEqual(
      await smsAtCarrier(frOnly),
      new Map([
        ['15145550301', 'Seulement en français, Ann'],
        ['15145550302', 'Seulement en français, Béa'],
        ['15145550303', 'Seulement en français, Carl'],
      ]),
    );
  });
});

interface ReceivedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Every email the sandbox transport wrote, by recipient (decoded MIME: subject, text, HTML). */
async function emailsAtTransport(dir: string): Promise<Map<string, ReceivedEmail>> {
  const outbox = join(dir, 'outbox');
  const files = (await readdir(outbox)).filter((f) => f.endsWith('.eml'));
  const found = new Map<string, ReceivedEmail>();
  for (const file of files) {
    const mime = parseMime(await readFile(join(outbox, file), 'utf8'));
    const to = mime.headers.get('to') ?? '';
    assert.ok(!found.has(to), `one email to ${to}`);
    found.set(to, {
      subject: mime.headers.get('subject') ?? '',
      text: partOf(mime, 'text/plain'),
      html: partOf(mime, 'text/html'),
    });
  }
  return found;
}

function partOf(mime: MimeEntity, type: string): string {
  const part = mime.parts.find((p) => (p.headers.get('content-type') ?? '').startsWith(type));
  assert.ok(part, `a ${type} part`);
  return part.body;
}
