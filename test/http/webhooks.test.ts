import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  startWebhookReceiver,
  type ReceivedHook,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.js';

const json = (hook: ReceivedHook) => JSON.parse(hook.body) as Record<string, unknown>;

function verifySignature(hook: ReceivedHook, secret: string): boolean {
  const timestamp = String(hook.headers['x-vudumobile-timestamp']);
  const expected = createHmac('sha256', secret).update(`${timestamp}.${hook.body}`).digest('hex');
  return hook.headers['x-vudumobile-signature'] === `sha256=${expected}`;
}

describe('webhooks: post_webhook, get_webhooks, delete_webhook and signed deliveries', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({ sms: testSandbox(), env: { WEBHOOK_ALLOW_PRIVATE: '1' } });
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.answer = () => 200;
    for (const hook of (await server.call('get_webhooks')).body.webhooks as { id: number }[])
      await server.call('delete_webhook', { id: String(hook.id) });
  });

  const register = async (params: Record<string, string> = {}) => {
    const response = await server.call('post_webhook', { url: receiver.url, ...params });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.webhook as { id: number; secret: string; events: string[] };
  };

  it('registers a webhook, shows its secret once, lists it, and deletes it', async () => {
    const created = await server.call('post_webhook', { url: receiver.url, events: 'mo' });
    assert.deepEqual(Object.keys(created.body.webhook), ['id', 'url', 'events', 'created_at', 'secret']);
    assert.deepEqual(created.body.webhook.events, ['mo']);
    assert.match(created.body.webhook.secret, /^whsec_[\w-]{32}$/);
    const listed = await server.call('get_webhooks');
    assert.deepEqual(listed.body, {
      status: true,
      webhooks: [
        {
          id: created.body.webhook.id,
          url: receiver.url,
          events: ['mo'],
          created_at: created.body.webhook.created_at,
        },
      ],
    });
    const id = String(created.body.webhook.id);
    assert.deepEqual((await server.call('delete_webhook', { id })).body, { status: true });
    assert.deepEqual((await server.call('get_webhooks')).body, { status: true, webhooks: [] });
  });

  it('answers the documented errors and creates nothing', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{}, 400, 'Webhook url required'],
      [{ url: 'not a url' }, 400, 'Webhook url must be an http or https URL'],
      [{ url: 'ftp://example.com/x' }, 400, 'Webhook url must be an http or https URL'],
      [{ url: 'https://user:pw@example.com/x' }, 400, 'Webhook url must be an http or https URL'],
      [
        { url: receiver.url, events: 'mo,everything' },
        400,
        'Webhook events must be mo, status, keyword or all',
      ],
    ];
    for (const [params, status, error] of cases) {
      const response = await server.call('post_webhook', params);
      assert.deepEqual(
        [response.status, response.body],
        [status, { status: false, error }],
        JSON.stringify(params),
      );
    }
    assert.deepEqual((await server.call('get_webhooks')).body.webhooks, []);
    assert.deepEqual((await server.call('delete_webhook', {})).body, {
      status: false,
      error: 'Webhook id required',
    });
    const missing = await server.call('delete_webhook', { id: '999999' });
    assert.deepEqual([missing.status, missing.body], [404, { status: false, error: 'Webhook not found' }]);
  });

  it('keeps accounts apart: another account neither sees nor deletes the webhook, nor gets its events', async () => {
    const mine = await register();
    const other = await server.createAccount();
    assert.deepEqual((await server.call('get_webhooks', {}, { key: other.key })).body.webhooks, []);
    const refused = await server.call('delete_webhook', { id: String(mine.id) }, { key: other.key });
    assert.equal(refused.status, 404);
    assert.equal(
      (await server.call('send', { to: '15145550901', message: 'x' }, { key: other.key })).status,
      200,
    );
    await server.call('send', { to: '15145550902', message: 'mine' });
    await waitFor('my status events', () => receiver.received.length >= 2);
    assert.ok(receiver.received.every((hook) => json(hook).to === '15145550902'));
  });

  it('refuses more than 10 webhooks per account', async () => {
    for (let i = 0; i < 10; i++) await register();
    const refused = await server.call('post_webhook', { url: receiver.url });
    assert.deepEqual(
      [refused.status, refused.body],
      [409, { status: false, error: 'Too many webhooks (10 at most)' }],
    );
  });

  it('posts an inbound SMS as its get_feed object, signed with the webhook’s secret', async () => {
    const hook = await register({ events: 'mo' });
    const stored = await server.platform.ctx.inbound.receive({
      from: '15145550903',
      to: '15149541234',
      text: 'Météo?',
      partCount: 1,
      receivedAt: Date.parse('2024-05-01T12:00:00Z'),
    });
    assert.ok(stored.routed);
    const [delivery] = await waitFor(
      'the mo delivery',
      () => receiver.received.length > 0 && receiver.received,
    );
    assert.ok(delivery);
    assert.deepEqual(json(delivery), {
      event: 'mo',
      msg_id: stored.messageId,
      direction: 'mo',
      from: '15145550903',
      to: '15149541234',
      message: 'Météo?',
      datetime: '2024-05-01 12:00:00',
      part_count: 1,
    });
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['x-vudumobile-event'], 'mo');
    assert.ok(verifySignature(delivery, hook.secret), 'the signature checks with the secret');
    assert.ok(!verifySignature(delivery, `${hook.secret}x`), 'and not with another');
  });

  it('posts each status change of a sent SMS (sent, then the receipt’s delivered) and no mo', async () => {
    const hook = await register({ events: 'status' });
    const sent = await server.call('send', { to: '15145550904', message: 'Bonjour' });
    const deliveries = await waitFor(
      'two status deliveries',
      () => receiver.received.length >= 2 && receiver.received,
    );
    const bodies = deliveries.map(json).sort((a, b) => String(a.status).localeCompare(String(b.status)));
    assert.deepEqual(
      bodies.map((b) => [b.event, b.msg_id, b.to, b.status, b.status_mt, b.error]),
      [
        ['status', sent.body.msg_id, '15145550904', 'delivered', 'DELIVRD_000', null],
        ['status', sent.body.msg_id, '15145550904', 'sent', 'sent', null],
      ],
    );
    assert.ok(deliveries.every((d) => verifySignature(d, hook.secret)));
  });
});
