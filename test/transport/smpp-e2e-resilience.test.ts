/**
 * End to end through the platform, when the SMSC misbehaves: connections dropped mid-stream,
 * throttling, and several connectors (prefix routing, failover, /health).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../helpers/messages.js';
import type { TestServer } from '../helpers/server.js';
import { sendSms, startSmppPlatform, waitForFinal } from '../helpers/smpp-platform.js';

/** Sends `count` distinct messages over HTTP, `concurrency` requests at a time; returns their msg_ids. */
async function sendMany(
  server: TestServer,
  count: number,
  prefix: string,
  concurrency = 20,
): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, (_, i) => start + i);
    ids.push(
      ...(await Promise.all(
        batch.map((n) => sendSms(server, `${prefix}${String(n).padStart(4, '0')}`, `msg ${n}`)),
      )),
    );
  }
  return ids;
}

async function statuses(server: TestServer, ids: readonly number[]): Promise<Record<string, number>> {
  const rows = await server.platform.store.db
    .selectFrom('messages')
    .select(['status', 'error'])
    .where('id', 'in', [...ids])
    .execute();
  const counts: Record<string, number> = {};
  for (const row of rows)
    counts[`${row.status}${row.error ? ` (${row.error})` : ''}`] =
      (counts[`${row.status}${row.error ? ` (${row.error})` : ''}`] ?? 0) + 1;
  return counts;
}

async function health(server: TestServer): Promise<{ name: string; state: string; detail: string }[]> {
  const response = await fetch(`${server.url}/health`);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { sms: { transport: string; connectors: [] } };
  assert.equal(body.sms.transport, 'smpp');
  return body.sms.connectors;
}

describe('SMPP end to end: a connection dropped mid-stream', () => {
  it('loses no message; duplicates at the SMSC stay within drops × window', async () => {
    const window = 10;
    const count = 250;
    const platform = await startSmppPlatform([{ sim: { dropEvery: 45 }, query: `window=${window}` }]);
    try {
      const { server, sims } = platform;
      const sim = sims[0];
      assert.ok(sim);
      const ids = await sendMany(server, count, '1514557');
      const feed = await waitForFinal(server, ids, 60_000);
      assert.deepEqual(
        ids.filter((id) => feed.get(id)?.status_mt !== 'DELIVRD_000'),
        [],
        'every message delivered',
      );
      assert.deepEqual(await statuses(server, ids), { delivered: count });
      assert.ok(sim.stats.drops >= 4, `the simulator dropped the connection ${sim.stats.drops} times`);
      assert.equal(sim.stats.distinctMessages, count, 'every message reached the SMSC');
      // A drop loses the answers of the submits in flight: at most `window` of them, each of which the
      // platform cannot know was accepted, so sends again. Never more than that.
      const duplicates = sim.stats.accepted - sim.stats.distinctMessages;
      assert.ok(duplicates >= sim.stats.drops, 'at least the dropping submit of each drop came twice');
      assert.ok(
        duplicates <= sim.stats.drops * window,
        `${duplicates} duplicates for ${sim.stats.drops} drops with a window of ${window}`,
      );
    } finally {
      await platform.close();
    }
  });
});

describe('SMPP end to end: throttling', () => {
  it('slows down on ESME_RTHROTTLED, delivers everything, and fails nothing because of it', async () => {
    const tps = 100;
    const count = 300;
    const platform = await startSmppPlatform([{ sim: { tps }, query: 'window=10' }]);
    try {
      const { server, sims } = platform;
      const sim = sims[0];
      assert.ok(sim);
      const started = Date.now();
      const ids = await sendMany(server, count, '1514558', 50);
      await waitForFinal(server, ids, 60_000);
      const elapsed = Date.now() - started;
      assert.deepEqual(await statuses(server, ids), { delivered: count });
      assert.ok(sim.stats.throttled > 0, 'the simulator throttled');
      assert.equal(sim.stats.accepted, count, 'each message accepted once');
      assert.equal(sim.stats.distinctMessages, count);
      // The SMSC's limit held (its bucket starts with a tenth of a second's worth)…
      assert.ok(elapsed >= ((count - tps / 10) / tps) * 1000, `${count} messages in ${elapsed} ms`);
      // …and the platform paused rather than hammering: without a pause, a full window is refused
      // every round trip, many times the messages sent.
      assert.ok(
        sim.stats.throttled < count,
        `${sim.stats.throttled} throttled answers for ${count} messages`,
      );
      const [connector] = await health(server);
      assert.match(connector?.detail ?? '', /throttled \d+ times/);
    } finally {
      await platform.close();
    }
  });
});

describe('SMPP end to end: two connectors', () => {
  it('routes by prefix, fails over when one SMSC is down, and /health shows each state', async () => {
    const platform = await startSmppPlatform([
      { query: 'prefixes=1514,1438&name=mtl' },
      // Both simulators number their messages from the same id: receipts must still find their own.
      { sim: { outcomes: [{ stat: 'UNDELIV', err: '300', weight: 1 }] }, query: 'name=backup' },
    ]);
    try {
      const { server, sims } = platform;
      const [montreal, backup] = sims;
      assert.ok(montreal && backup);
      assert.deepEqual(
        (await health(server)).map((c) => [c.name, c.state]),
        [
          ['mtl', 'bound'],
          ['backup', 'bound'],
        ],
      );
      const routed = [
        await sendSms(server, '15145550400', 'to montreal'),
        await sendSms(server, '14385550400', 'to montreal too'),
        await sendSms(server, '16135550400', 'to ottawa'),
      ];
      const routedFeed = await waitForFinal(server, routed);
      assert.deepEqual(
        routed.map((id) => routedFeed.get(id)?.status_mt),
        ['DELIVRD_000', 'DELIVRD_000', 'UNDELIV_300'],
      );
      assert.equal(montreal.submitted[0]?.messageId, backup.submitted[0]?.messageId, 'the same carrier id');
      const to = (sim: typeof montreal) => sim.submitted.map((pdu) => pdu.destinationAddr).sort();
      assert.deepEqual(to(montreal), ['14385550400', '15145550400']);
      assert.deepEqual(to(backup), ['16135550400']);

      await backup.close(); // the catch-all goes down: its traffic fails over to the Montréal connector
      await waitFor(
        'backup retrying in /health',
        async () => (await health(server))[1]?.state === 'retrying',
      );
      const [mtl, down] = await health(server);
      assert.deepEqual([mtl?.name, mtl?.state], ['mtl', 'bound']);
      assert.match(mtl?.detail ?? '', /transceiver, \d+\/10 in flight/);
      assert.equal(down?.name, 'backup');
      assert.match(down?.detail ?? '', /reconnecting in|ECONNREFUSED|closed/);

      const failedOver = [
        await sendSms(server, '16135550401', 'to ottawa via montreal'),
        await sendSms(server, '16135550402', 'and again'),
      ];
      const feed = await waitForFinal(server, failedOver);
      assert.deepEqual(
        failedOver.map((id) => feed.get(id)?.status_mt),
        ['DELIVRD_000', 'DELIVRD_000'],
      );
      assert.deepEqual(to(montreal), ['14385550400', '15145550400', '16135550401', '16135550402']);
      assert.equal(backup.submitted.length, 1);
    } finally {
      await platform.close();
    }
  });
});
