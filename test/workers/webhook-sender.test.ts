import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { Store } from '../../src/store/database.js';
import {
  claimDueDeliveries,
  enqueueWebhookEvents,
  insertWebhook,
} from '../../src/store/webhooks/webhooks-repo.js';
import {
  WebhookDeliveryService,
  type WebhookDeliverySettings,
} from '../../src/domain/webhooks/webhook-delivery.js';
import { WebhookDeliveryRepo } from '../../src/store/webhooks/webhooks-repo.js';
import { HttpWebhookPoster } from '../../src/transport/webhooks/http-webhook-poster.js';
import { createWebhookSender } from '../../src/workers/webhook-sender.js';
import { waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** The webhook sender on its own (no background workers in the server), against a real receiver. */
describe('webhook sender: retries, permanent failures, leases, several senders', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let store: Store;
  const log = pino({ level: 'silent' });
  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({ role: 'api' });
    store = server.platform.store;
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });
  beforeEach(async () => {
    // One webhook at a time: the account's events go to each of its webhooks.
    await store.db.deleteFrom('webhooks').execute();
    receiver.received.length = 0;
    receiver.answer = () => 200;
    receiver.delayMs = 0;
  });

  const senderWith = (settings: WebhookDeliverySettings) =>
    createWebhookSender(
      new WebhookDeliveryService({
        queue: new WebhookDeliveryRepo(store),
        poster: new HttpWebhookPoster(),
        log,
        now: Date.now,
        settings,
      }),
      log,
    );

  async function queue(count: number): Promise<number> {
    const inserted = await insertWebhook(
      store.db,
      server.account.id,
      { url: receiver.url, events: ['mo', 'status'], secret: 'whsec_test' },
      Date.now(),
    );
    const records = Array.from({ length: count }, (_, i) => ({
      accountId: server.account.id,
      event: 'status' as const,
      payload: { msg_id: i },
    }));
    await enqueueWebhookEvents(store.db, records, Date.now());
    assert.equal(inserted.kind, 'inserted');
    return inserted.kind === 'inserted' ? inserted.webhook.id : 0;
  }

  async function drain(
    settings: Partial<WebhookDeliverySettings>,
    until: () => Promise<boolean>,
  ): Promise<void> {
    const sender = senderWith({ allowPrivate: true, retryBaseMs: 20, ...settings });
    sender.start();
    try {
      await waitFor('the deliveries to settle', until);
    } finally {
      await sender.stop();
    }
  }

  const rowsOf = (webhookId: number) =>
    store.db
      .selectFrom('webhook_deliveries')
      .select(['id', 'status', 'attempts', 'last_error'])
      .where('webhook_id', '=', webhookId)
      .orderBy('id')
      .execute();
  const settled = (webhookId: number) => async () =>
    (await rowsOf(webhookId)).every((r) => r.status === 'delivered' || r.status === 'failed');

  it('retries a 500 with backoff and records the delivery on the next 2xx', async () => {
    let calls = 0;
    receiver.answer = () => (++calls === 1 ? 500 : 204);
    const id = await queue(1);
    await drain({}, settled(id));
    assert.deepEqual(
      (await rowsOf(id)).map((r) => [r.status, r.attempts, r.last_error]),
      [['delivered', 2, 'HTTP 500']],
    );
    assert.equal(receiver.received.length, 2);
  });

  it('gives up at once on 410 Gone, and after the last attempt otherwise', async () => {
    receiver.answer = () => 410;
    const gone = await queue(1);
    await drain({}, settled(gone));
    assert.deepEqual(
      (await rowsOf(gone)).map((r) => [r.status, r.attempts]),
      [['failed', 1]],
    );
    receiver.answer = () => 503;
    const down = await queue(1);
    await drain({ maxAttempts: 3 }, settled(down));
    assert.deepEqual(
      (await rowsOf(down)).map((r) => [r.status, r.attempts, r.last_error]),
      [['failed', 3, 'HTTP 503 (after 3 attempts)']],
    );
  });

  it('does not post to a private address unless allowed', async () => {
    const id = await queue(1);
    await drain({ allowPrivate: false }, settled(id));
    assert.deepEqual(
      (await rowsOf(id)).map((r) => [r.status, r.last_error]),
      [['failed', 'the URL resolves to a private address']],
    );
    assert.equal(receiver.received.length, 0);
  });

  it('posts again a delivery whose sender died holding it (at least once), once its lease expired', async () => {
    const id = await queue(1);
    // A sender that claimed it and died: its lease ran out a moment ago.
    const [claimed] = await claimDueDeliveries(store.db, store.dialect, {
      now: Date.now(),
      leaseUntil: Date.now() - 1,
      limit: 10,
    });
    assert.ok(claimed);
    await drain({}, settled(id));
    assert.deepEqual(
      (await rowsOf(id)).map((r) => r.status),
      ['delivered'],
    );
    assert.equal(receiver.received[0]?.headers['x-vudumobile-delivery'], String(claimed.id));
  });

  it('two senders on one database post each of 300 deliveries exactly once', async () => {
    const id = await queue(300);
    const senders = [1, 2].map(() => senderWith({ allowPrivate: true, batchSize: 20, concurrency: 4 }));
    for (const sender of senders) sender.start();
    try {
      await waitFor('every delivery', settled(id), 30_000);
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
    }
    const posted = receiver.received.map((hook) => hook.headers['x-vudumobile-delivery']);
    assert.equal(posted.length, 300);
    assert.equal(new Set(posted).size, 300);
  });

  it('starts no POST late in its lease: the rest goes back to the queue untried, then is posted once', async () => {
    receiver.delayMs = 300;
    const id = await queue(3);
    // One lane, a 400 ms lease: the second POST could not end within it, so it is handed back.
    await drain({ leaseMs: 400, concurrency: 1, batchSize: 3 }, settled(id));
    assert.deepEqual(
      (await rowsOf(id)).map((r) => [r.status, r.attempts]),
      [
        ['delivered', 1],
        ['delivered', 1],
        ['delivered', 1],
      ],
    );
    const posted = receiver.received.map((hook) => hook.headers['x-vudumobile-delivery']);
    assert.equal(new Set(posted).size, 3);
    assert.equal(posted.length, 3);
  });
});
