import assert from 'node:assert/strict';
import { fromStoreTransaction } from '../../src/store/transaction.js';
import { after, before, describe, it } from 'node:test';
import { segmentMessage } from '../../src/domain/sms/segments.js';
import type { SandboxSmsTransport } from '../../src/transport/sandbox/sandbox-sms.js';
import {
  TransportError,
  type OutboundSms,
  type SmsTransport,
  type SmsTransportHandlers,
} from '../../src/domain/ports/transports.js';
import type { MessageStatusEvent } from '../../src/domain/messages/message-events.js';
import { messageRow, partRows, testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the dispatcher: the normal path', () => {
  let server: TestServer;
  let sandbox: SandboxSmsTransport;
  const finals: MessageStatusEvent[] = [];
  const sent: MessageStatusEvent[] = [];
  before(async () => {
    sandbox = testSandbox();
    // A short lease, so that the expired-lease sweep (every quarter lease) runs within the test.
    server = await startTestServer({ sms: sandbox, env: { DISPATCH_LEASE_MS: '2000' } });
    server.platform.ctx.messageEvents.onSent(async (events) => void sent.push(...events));
    server.platform.ctx.messageEvents.onFinal(async (events, trx) => {
      finals.push(...events);
      // A listener writes in the same transaction as the state it hears about (broadcast counters do).
      for (const event of events.filter((e) => e.broadcastId === 77)) {
        await fromStoreTransaction(trx)
          .insertInto('suppressions')
          .values({ account_id: event.accountId, number: event.toNumber, reason: 'hook', created_at: 0 })
          .execute();
      }
    });
  });
  after(() => server.close());

  const db = () => server.platform.store.db;

  it('hands every part of N messages to the carrier exactly once and records each', async () => {
    const texts = Array.from({ length: 150 }, (_, i) =>
      i % 3 === 0 ? `Message ${i} ` + 'x'.repeat(300) : i % 3 === 1 ? `ça ${i}` : `Message ${i}`,
    );
    const answers = await Promise.all(
      texts.map((message, i) =>
        server.call('send', { to: `1514555${String(1000 + i).padStart(4, '0')}`, message }),
      ),
    );
    const ids = answers.map((a) => a.body.msg_id as number);
    await waitFor(
      'every message delivered',
      async () => {
        const rows = await db().selectFrom('messages').select('status').where('id', 'in', ids).execute();
        return rows.every((r) => r.status === 'delivered') ? true : undefined;
      },
      20_000,
    );
    const expectedParts = texts.reduce((sum, text) => sum + segmentMessage(text).parts.length, 0);
    assert.equal(sandbox.acceptedParts, expectedParts);
    for (const [i, id] of ids.entries()) {
      assert.equal(
        sandbox.acceptedByMessage.get(id),
        segmentMessage(texts[i] ?? '').parts.length,
        `message ${id}`,
      );
      const parts = await partRows(db(), id);
      assert.equal(parts.length, answers[i]?.body.part_count);
      for (const part of parts) {
        assert.match(part.carrier_id ?? '', /^[0-9A-F]{8}$/);
        assert.equal(part.status, 'delivered');
        assert.equal(part.stat, 'DELIVRD');
      }
      const row = await messageRow(db(), id);
      assert.equal(row.attempts, 1);
      assert.ok(row.sent_at !== null && row.done_at !== null);
    }
    // What the carrier was given is the stored text, split as the segmenter splits it.
    const long = sandbox.submitted.find((s) => s.messageId === ids[0]);
    assert.equal(long?.parts.join(''), texts[0]);
    assert.equal(long?.encoding, 'GSM-7');
    assert.equal(sandbox.submitted.find((s) => s.messageId === ids[1])?.encoding, 'UCS-2');
    assert.deepEqual(sent.filter((e) => ids.includes(e.messageId)).length, ids.length);
    assert.equal(
      finals.filter((e) => ids.includes(e.messageId) && e.status === 'delivered').length,
      ids.length,
    );
  });

  it('sends bulk rows queued by a broadcast, and its final-state hook writes in the same transaction', async () => {
    const now = Date.now();
    const { id } = await db()
      .insertInto('messages')
      .values({
        account_id: server.account.id,
        direction: 'mt',
        from_number: '15149541234',
        to_number: '15145557777',
        body: 'Envoi massif',
        part_count: 1,
        encoding: 'GSM-7',
        status: 'queued',
        detailed_status: null,
        contact_id: null,
        broadcast_id: 77,
        priority: 1,
        idempotency_key: null,
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        error: null,
        created_at: now,
        sent_at: null,
        done_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    server.platform.ctx.messageEvents.notifyQueued();
    await waitFor('delivered', async () => (await messageRow(db(), id)).status === 'delivered');
    const event = finals.find((e) => e.messageId === id);
    assert.deepEqual(event, {
      messageId: id,
      accountId: server.account.id,
      broadcastId: 77,
      toNumber: '15145557777',
      status: 'delivered',
      detailedStatus: 'DELIVRD_000',
      error: null,
    });
    const written = await db()
      .selectFrom('suppressions')
      .select('reason')
      .where('number', '=', '15145557777')
      .execute();
    assert.deepEqual(written, [{ reason: 'hook' }]);
  });

  it('takes back a message whose lease expired (its dispatcher died) and sends it', async () => {
    const now = Date.now();
    const { id } = await db()
      .insertInto('messages')
      .values({
        account_id: server.account.id,
        direction: 'mt',
        from_number: '15149541234',
        to_number: '15145558888',
        body: 'Orphelin',
        part_count: 1,
        encoding: 'GSM-7',
        status: 'sending',
        detailed_status: null,
        contact_id: null,
        broadcast_id: null,
        priority: 0,
        idempotency_key: null,
        attempts: 0,
        next_attempt_at: now,
        lease_until: now - 1,
        error: null,
        created_at: now,
        sent_at: null,
        done_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await waitFor('the orphan delivered', async () => (await messageRow(db(), id)).status === 'delivered');
    assert.equal(sandbox.acceptedByMessage.get(id), 1);
  });
});

/** A carrier that refuses by script: the edge of the world for the failure paths. */
class ScriptedCarrier implements SmsTransport {
  readonly kind = 'scripted';
  readonly attempts = new Map<string, number>();
  constructor(private readonly inner: SmsTransport) {}
  start(handlers: SmsTransportHandlers): Promise<void> {
    return this.inner.start(handlers);
  }
  async submit(sms: OutboundSms) {
    const attempt = (this.attempts.get(sms.to) ?? 0) + 1;
    this.attempts.set(sms.to, attempt);
    if (sms.to === '15145550201' && attempt === 1) throw new TransportError('connection lost', true);
    if (sms.to === '15145550202') throw new TransportError('bind lost', true);
    if (sms.to === '15145550203') throw new TransportError('invalid destination (ESME_RINVDSTADR)', false);
    if (sms.to === '15145550204' && attempt <= 2)
      throw new TransportError('throttled', true, 'ESME_RTHROTTLED');
    return this.inner.submit(sms);
  }
  status() {
    return this.inner.status();
  }
  close() {
    return this.inner.close();
  }
}

describe('the dispatcher: refusals', () => {
  let server: TestServer;
  const carrier = new ScriptedCarrier(testSandbox());
  const finals: MessageStatusEvent[] = [];
  before(async () => {
    server = await startTestServer({ sms: carrier, env: { DISPATCH_MAX_ATTEMPTS: '2' } });
    server.platform.ctx.messageEvents.onFinal(async (events) => void finals.push(...events));
  });
  after(() => server.close());

  const send = async (to: string) => (await server.call('send', { to, message: 'x' })).body.msg_id as number;
  const row = (id: number) => messageRow(server.platform.store.db, id);

  it('puts a retryable refusal back in the queue with a backoff, then sends it', async () => {
    const id = await send('15145550201');
    const waiting = await waitFor('the retry scheduled', async () => {
      const r = await row(id);
      return r.attempts === 1 && r.status === 'queued' ? r : undefined;
    });
    assert.equal(waiting.error, 'connection lost');
    assert.ok(waiting.next_attempt_at >= waiting.created_at + 500);
    await waitFor('delivered', async () => (await row(id)).status === 'delivered', 10_000);
    assert.equal((await row(id)).attempts, 2);
  });

  it('fails a message after DISPATCH_MAX_ATTEMPTS retryable refusals', async () => {
    const id = await send('15145550202');
    const failed = await waitFor(
      'failed',
      async () => {
        const r = await row(id);
        return r.status === 'failed' ? r : undefined;
      },
      10_000,
    );
    assert.equal(failed.error, 'bind lost (after 2 attempts)');
    assert.equal(carrier.attempts.get('15145550202'), 2);
    assert.equal(finals.find((e) => e.messageId === id)?.status, 'failed');
  });

  it('fails a permanent refusal at once, with the carrier’s reason, and tells the final-state hook', async () => {
    const id = await send('15145550203');
    const failed = await waitFor('failed', async () => {
      const r = await row(id);
      return r.status === 'failed' ? r : undefined;
    });
    assert.equal(failed.error, 'invalid destination (ESME_RINVDSTADR)');
    assert.equal(failed.detailed_status, null);
    assert.equal(carrier.attempts.get('15145550203'), 1);
    assert.deepEqual(
      finals.find((e) => e.messageId === id),
      {
        messageId: id,
        accountId: server.account.id,
        broadcastId: null,
        toNumber: '15145550203',
        status: 'failed',
        detailedStatus: null,
        error: 'invalid destination (ESME_RINVDSTADR)',
      },
    );
    const feed = await server.call('get_feed', { date_start: '2000-01-01 00:00:00', direction: 'mt' });
    assert.equal(feed.body.find((m: { msg_id: number }) => m.msg_id === id)?.status_mt, 'failed');
  });

  it('slows down when throttled, without counting it as an attempt', async () => {
    const id = await send('15145550204');
    await waitFor('delivered', async () => (await row(id)).status === 'delivered', 10_000);
    assert.equal(carrier.attempts.get('15145550204'), 3);
    assert.equal((await row(id)).attempts, 1);
  });
});

describe('the dispatcher: a clean stop', () => {
  it('finishes the submits in flight, records them, and hands the rest of its claim back', async () => {
    const sandbox = testSandbox({ submitDelayMs: 150, outcome: { kind: 'silent' } });
    const server = await startTestServer({ sms: sandbox, env: { DISPATCH_CONCURRENCY: '4' } });
    const db = server.platform.store.db;
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await server.call('send', { to: `1514555${3000 + i}`, message: `arrêt ${i}` })).body.msg_id);
    }
    await waitFor('some submitted', () => sandbox.acceptedParts >= 4);
    await server.platform.stop();
    // stop() drained: read the file again with a fresh store.
    const { openMigratedStore } = await import('../../src/main.js');
    const store = await openMigratedStore(server.platform.ctx.config);
    try {
      const rows = await store.db
        .selectFrom('messages')
        .select(['id', 'status', 'lease_until'])
        .where('id', 'in', ids)
        .execute();
      assert.equal(rows.length, 40);
      for (const r of rows) {
        const accepted = sandbox.acceptedByMessage.get(r.id) ?? 0;
        if (accepted > 0) assert.equal(r.status, 'sent', `message ${r.id} was handed over`);
        else assert.deepEqual([r.status, r.lease_until], ['queued', null], `message ${r.id} was not`);
      }
      assert.ok(
        rows.some((r) => r.status === 'queued'),
        'the stop came before the end',
      );
    } finally {
      await store.close();
      await server.close();
    }
    void db;
  });
});
