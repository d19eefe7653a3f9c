import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TransportError,
  type EmailTransport,
  type OutboundEmail,
} from '../../src/domain/ports/transports.js';
import { waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The edge of the world for these tests: a mail server that refuses some addresses (a 4xx the first
 * time for `busy@`, a 5xx always for `gone@`) and takes the rest.
 */
class ScriptedMailServer implements EmailTransport {
  readonly kind = 'scripted';
  readonly delivered: OutboundEmail[] = [];
  private busyRefusals = 0;

  async send(email: OutboundEmail): Promise<{ messageId: string }> {
    if (email.to.startsWith('busy@') && this.busyRefusals++ === 0)
      throw new TransportError('451 4.3.0 try again later', true, '451');
    if (email.to.startsWith('gone@')) throw new TransportError('550 5.1.1 no such user', false, '550');
    this.delivered.push(email);
    return { messageId: `<${this.delivered.length}@test>` };
  }

  async close(): Promise<void> {}
}

describe('the email dispatcher', () => {
  let server: TestServer;
  const mail = new ScriptedMailServer();
  before(async () => {
    // A short lease, so that the expired-lease sweep (every quarter lease) runs within the test.
    server = await startTestServer({ email: mail, env: { DISPATCH_LEASE_MS: '2000' } });
  });
  after(() => server.close());

  const row = (id: number) =>
    server.platform.store.db.selectFrom('emails').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const sendEmail = async (to: string) =>
    (await server.call('send_email', { to, subject: 'Sujet', message: 'Texte', format: 'text' })).body
      .msg_id as number;

  it('retries a temporary refusal after a backoff, then sends', async () => {
    const id = await sendEmail('busy@example.com');
    const retrying = await waitFor('the first refusal', async () => {
      const r = await row(id);
      return r.attempts === 1 ? r : undefined;
    });
    assert.equal(retrying.status, 'queued');
    assert.equal(retrying.error, '451 4.3.0 try again later');
    assert.ok(retrying.next_attempt_at > retrying.created_at);
    const sent = await waitFor('the retry', async () => {
      const r = await row(id);
      return r.status === 'sent' ? r : undefined;
    });
    assert.equal(sent.attempts, 2);
    assert.equal(mail.delivered.filter((e) => e.to === 'busy@example.com').length, 1);
  });

  it('records a permanent refusal as failed with the server’s reason, once', async () => {
    const id = await sendEmail('gone@example.com');
    const failed = await waitFor('the refusal', async () => {
      const r = await row(id);
      return r.status === 'failed' ? r : undefined;
    });
    assert.equal(failed.error, '550 5.1.1 no such user');
    assert.equal(failed.attempts, 1);
  });

  it('takes back an email whose lease expired (its dispatcher died) and sends it', async () => {
    const id = await server.platform.store.db
      .insertInto('emails')
      .values({
        account_id: server.account.id,
        kind: 'api',
        from_address: 'radio@example.com',
        to_address: 'orphan@example.com',
        subject: 'Orphelin',
        body: 'x',
        format: 'text',
        status: 'sending',
        error: null,
        contact_id: null,
        broadcast_id: null,
        attempts: 0,
        next_attempt_at: 0,
        lease_until: Date.now() - 1,
        created_at: Date.now(),
        sent_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sendEmail('nudge@example.com'); // wakes the dispatcher now rather than at its next poll
    await waitFor('the orphan sent', async () => (await row(id.id)).status === 'sent');
    assert.equal(mail.delivered.filter((e) => e.to === 'orphan@example.com').length, 1);
  });
});
