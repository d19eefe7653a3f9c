import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertOutbound } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('queue gauges at /metrics', () => {
  let server: TestServer;
  // Outbound held: what is queued stays queued while the gauges are read.
  before(async () => {
    server = await startTestServer({ holdOutbound: true });
  });
  after(() => server.close());

  const scrape = async (): Promise<Map<string, number>> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      const match = /^(vudumobile_queue_\w+\{queue="\w+"\}) (\S+)$/.exec(line);
      if (match?.[1] && match[2]) values.set(match[1], Number(match[2]));
    }
    return values;
  };

  it('reports every queue empty on a new database', async () => {
    const values = await scrape();
    for (const queue of ['sms', 'sms_bulk', 'email', 'call', 'webhook']) {
      assert.equal(values.get(`vudumobile_queue_waiting{queue="${queue}"}`), 0, queue);
      assert.equal(values.get(`vudumobile_queue_held{queue="${queue}"}`), 0, queue);
      assert.equal(values.get(`vudumobile_queue_oldest_due_seconds{queue="${queue}"}`), 0, queue);
    }
  });

  it('counts waiting and held rows per lane, and how late the oldest due one is', async () => {
    for (const to of ['5145550101', '5145550102']) {
      const sent = await server.call('send', { to, message: 'Bonjour' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
    }
    const mailed = await server.call('send_email', {
      to: 'ann@example.com',
      subject: 'S',
      message: 'M',
      format: 'text',
    });
    assert.equal(mailed.status, 200, JSON.stringify(mailed.body));
    const db = server.platform.store.db;
    const now = Date.now();
    // Bulk: one due for a minute, one paced an hour ahead (waiting, not yet due); one held by a worker.
    await insertOutbound(db, server.account.id, ['15145550201'], {
      status: 'queued',
      priority: 1,
      next_attempt_at: now - 60_000,
    });
    await insertOutbound(db, server.account.id, ['15145550202'], {
      status: 'queued',
      priority: 1,
      next_attempt_at: now + 3_600_000,
    });
    await insertOutbound(db, server.account.id, ['15145550203'], {
      status: 'sending',
      priority: 1,
      lease_until: now + 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the gauges' 1 s snapshot

    const values = await scrape();
    assert.equal(values.get('vudumobile_queue_waiting{queue="sms"}'), 2);
    assert.equal(values.get('vudumobile_queue_held{queue="sms"}'), 0);
    assert.equal(values.get('vudumobile_queue_waiting{queue="sms_bulk"}'), 2);
    assert.equal(values.get('vudumobile_queue_held{queue="sms_bulk"}'), 1);
    assert.equal(values.get('vudumobile_queue_waiting{queue="email"}'), 1);
    const bulkLate = values.get('vudumobile_queue_oldest_due_seconds{queue="sms_bulk"}') ?? 0;
    assert.ok(bulkLate >= 60 && bulkLate < 120, String(bulkLate));
    const singleLate = values.get('vudumobile_queue_oldest_due_seconds{queue="sms"}') ?? -1;
    assert.ok(singleLate > 0 && singleLate < 60, String(singleLate));
  });
});
