import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { WebhookDeliveryService } from '../../../src/domain/webhooks/webhook-delivery.js';
import { WebhookService } from '../../../src/domain/webhooks/webhook-service.js';
import { createAccount } from '../../../src/store/accounts/accounts-repo.js';
import {
  enqueueWebhookEvents,
  WebhookDeliveryRepo,
  WebhooksRepo,
} from '../../../src/store/webhooks/webhooks-repo.js';
import { HttpWebhookPoster } from '../../../src/transport/webhooks/http-webhook-poster.js';
import { tempStore } from '../../helpers/store.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

/** Recent deliveries as the Developers page reads them: state, HTTP status, attempts, per account. */
describe('webhook deliveries of one of the account’s webhooks', () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  let receiver: WebhookReceiver;
  let webhooks: WebhookService;
  let delivery: WebhookDeliveryService;
  before(async () => {
    db = await tempStore();
    receiver = await startWebhookReceiver();
    webhooks = new WebhookService({
      store: new WebhooksRepo(db.store.db),
      now: Date.now,
      allowPrivate: true,
    });
    delivery = new WebhookDeliveryService({
      queue: new WebhookDeliveryRepo(db.store),
      poster: new HttpWebhookPoster(),
      log: pino({ level: 'silent' }),
      now: Date.now,
      settings: { allowPrivate: true, maxAttempts: 1 },
    });
  });
  after(async () => {
    await receiver.close();
    await db.close();
  });

  it('lists them newest first with what the receiver answered', async () => {
    const { webhook } = await webhooks.create(db.accountId, { url: receiver.url, events: 'mo,status' });
    const queue = (n: number) =>
      enqueueWebhookEvents(
        db.store.db,
        [{ accountId: db.accountId, event: 'status', payload: { msg_id: n } }],
        Date.now(),
      );
    await queue(1);
    receiver.answer = () => 204;
    assert.equal(await delivery.deliverDue(), true);
    await queue(2);
    receiver.answer = () => 500;
    assert.equal(await delivery.deliverDue(), true);
    await queue(3);

    const listed = await webhooks.recentDeliveries(db.accountId, webhook.id, 10);
    assert.deepEqual(
      listed.map((d) => [d.event, d.state, d.httpStatus, d.attempts, d.lastError, d.deliveredAt !== null]),
      [
        ['status', 'pending', null, 0, null, false],
        ['status', 'failed', 500, 1, 'HTTP 500 (after 1 attempts)', false],
        ['status', 'delivered', 204, 1, null, true],
      ],
    );
    assert.deepEqual(
      (await webhooks.recentDeliveries(db.accountId, webhook.id, 2)).map((d) => d.id),
      listed.slice(0, 2).map((d) => d.id),
    );
  });

  it('shows another account nothing of them', async () => {
    const [hook] = await webhooks.list(db.accountId);
    assert.ok(hook);
    const other = await createAccount(
      db.store.db,
      { name: 'Other', defaultLanguage: 'en', defaultCountry: 'CA', mailFrom: null, senders: [] },
      Date.now(),
    );
    assert.equal(await webhooks.find(other, hook.id), undefined);
    assert.deepEqual(await webhooks.recentDeliveries(other, hook.id, 10), []);
    assert.deepEqual(await webhooks.find(db.accountId, hook.id), hook);
  });
});
