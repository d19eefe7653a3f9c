import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateHost, parseWebhookRequest, signWebhook } from '../../../src/domain/webhooks/webhooks.js';

describe('webhook requests', () => {
  it('refuses loopback, private and link-local hosts unless allowed', () => {
    const privateHosts = [
      'localhost',
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '[::1]',
      '[fd00::1]',
      '[::ffff:127.0.0.1]',
      'db.internal',
    ];
    for (const host of privateHosts) {
      assert.ok(isPrivateHost(host), host);
      assert.throws(() => parseWebhookRequest({ url: `http://${host}/x` }, false), /private or loopback/);
      assert.equal(parseWebhookRequest({ url: `http://${host}/x` }, true).events.length, 3);
    }
    for (const host of ['example.com', '8.8.8.8', '172.32.0.1', '[2001:db8::1]'])
      assert.ok(!isPrivateHost(host), host);
  });

  it('reads events as a set, all by default', () => {
    const events = (value?: string) =>
      parseWebhookRequest({ url: 'https://example.com/h', events: value }, false).events;
    assert.deepEqual(events(), ['mo', 'status', 'keyword']);
    assert.deepEqual(events('status, MO'), ['mo', 'status']);
    assert.deepEqual(events('status'), ['status']);
    assert.deepEqual(events('all'), ['mo', 'status', 'keyword']);
    assert.deepEqual(events('keyword,mo'), ['mo', 'keyword']);
  });

  it('signs the timestamp and the body together', () => {
    const a = signWebhook('k', 1700000000, '{"a":1}');
    assert.match(a, /^sha256=[0-9a-f]{64}$/);
    assert.notEqual(a, signWebhook('k', 1700000001, '{"a":1}'));
    assert.notEqual(a, signWebhook('k', 1700000000, '{"a":2}'));
  });
});
