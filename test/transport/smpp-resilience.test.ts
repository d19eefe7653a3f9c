import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';
import { TransportError, type SubmitResult } from '../../src/domain/ports/transports.js';
import { sms, smppUrl, startTransport, waitUntil } from '../helpers/smpp.js';

/** Submits `count` distinct single-part messages at once. */
function submitMany(
  submit: (s: ReturnType<typeof sms>) => Promise<SubmitResult>,
  count: number,
  to = '15145550300',
): Promise<PromiseSettledResult<SubmitResult>[]> {
  return Promise.allSettled(
    Array.from({ length: count }, (_, i) => submit(sms(to, [`message number ${i}`]))),
  );
}

describe('SMPP connection dropped mid-stream', () => {
  it('resolves every submit; duplicates at the SMSC stay within the unanswered window', async () => {
    const window = 10;
    const sim = await startSmscSim({ dropEvery: 37, receiptDelayMs: 0 });
    const under = await startTransport(smppUrl(sim.port, `window=${window}`));
    try {
      const results = await submitMany((s) => under.transport.submit(s), 400);
      const failed = results.filter((r) => r.status === 'rejected');
      assert.deepEqual(failed, [], 'no submit lost or failed');
      const ids = results.map((r) => (r.status === 'fulfilled' ? r.value.carrierIds[0] : undefined));
      assert.equal(new Set(ids).size, 400, 'each submit got its own carrier id');
      assert.ok(sim.stats.drops >= 10, `the simulator dropped ${sim.stats.drops} times`);
      assert.equal(sim.stats.distinctMessages, 400, 'every message reached the SMSC');
      const duplicates = sim.stats.accepted - sim.stats.distinctMessages;
      assert.ok(duplicates >= sim.stats.drops, 'each drop lost at least the answer of the dropping submit');
      assert.ok(
        duplicates <= sim.stats.drops * window,
        `${duplicates} duplicates for ${sim.stats.drops} drops`,
      );
      // A receipt for every accepted copy, the unanswered copies' included; receipts whose answer
      // died with a connection come again (so the receipt handler must be idempotent).
      const receiptIds = (): Set<string> => new Set(under.receipts.map((r) => r.carrierId));
      await waitUntil(() => receiptIds().size === sim.stats.accepted, 'a receipt for every accepted copy');
      for (const id of ids) assert.ok(receiptIds().has(id ?? ''), `a receipt for ${id}`);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });
});

describe('SMPP throttling', () => {
  it('slows down on ESME_RTHROTTLED and still delivers everything exactly once', async () => {
    const sim = await startSmscSim({ tps: 200, receiptDelayMs: 0 });
    const under = await startTransport(smppUrl(sim.port, 'window=20'));
    try {
      const results = await submitMany((s) => under.transport.submit(s), 400);
      assert.deepEqual(
        results.filter((r) => r.status === 'rejected'),
        [],
      );
      assert.ok(sim.stats.throttled > 0, 'the simulator throttled');
      assert.equal(sim.stats.accepted, 400);
      assert.equal(sim.stats.distinctMessages, 400);
      assert.match(under.transport.status()[0]?.detail ?? '', /throttled \d+ times/);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('treats ESME_RMSGQFUL (queue full) like throttling', async () => {
    const sim = await startSmscSim({ tps: 300, throttleStatus: 0x14, receiptDelayMs: 0 });
    const under = await startTransport(smppUrl(sim.port, 'window=20'));
    try {
      const results = await submitMany((s) => under.transport.submit(s), 200);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 200);
      assert.ok(sim.stats.throttled > 0);
      assert.equal(sim.stats.distinctMessages, 200);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('keeps under the SMSC limit with tps= on the connector', async () => {
    const sim = await startSmscSim({ tps: 60, receiptDelayMs: 0 });
    const under = await startTransport(smppUrl(sim.port, 'tps=50&window=20'));
    try {
      const started = Date.now();
      const results = await submitMany((s) => under.transport.submit(s), 100);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 100);
      assert.equal(sim.stats.throttled, 0);
      // 100 at 50/s with a burst of 5: at least (100 - 5) / 50 s.
      assert.ok(Date.now() - started >= 1_800, 'the token bucket spaced the submits');
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });
});

describe('SMPP routing by prefix and failover', () => {
  it('sends by destination prefix, fails over when a connector is down, returns when it is back', async () => {
    const montreal = await startSmscSim({ receiptDelayMs: 0 });
    let backup = await startSmscSim({ receiptDelayMs: 0 });
    const backupPort = backup.port;
    const url = `${smppUrl(montreal.port, 'prefixes=1514,1438&name=mtl')},${smppUrl(backupPort, 'name=backup')}`;
    const under = await startTransport(url);
    try {
      await under.transport.submit(sms('15145550400', ['to montreal']));
      await under.transport.submit(sms('14385550400', ['to montreal too']));
      await under.transport.submit(sms('16135550400', ['to ottawa']));
      assert.deepEqual([montreal.stats.accepted, backup.stats.accepted], [2, 1]);

      await backup.close(); // the catch-all goes down: Ottawa fails over to the Montréal connector
      await waitUntil(() => under.transport.status()[1]?.state === 'retrying', 'backup retrying');
      assert.match(under.transport.status()[1]?.detail ?? '', /reconnecting in/);
      await under.transport.submit(sms('16135550401', ['to ottawa via montreal']));
      assert.equal(montreal.stats.accepted, 3);

      backup = await startSmscSim({ port: backupPort, receiptDelayMs: 0 });
      await waitUntil(() => under.transport.status()[1]?.state === 'bound', 'backup bound again');
      await montreal.close();
      await waitUntil(() => under.transport.status()[0]?.state !== 'bound', 'montreal down');
      await under.transport.submit(sms('15145550402', ['to montreal via backup']));
      assert.equal(backup.stats.accepted, 1);
      // Down, the connector alternates retrying ↔ connecting as it backs off: either is right here.
      const [mtl, backupStatus] = under.transport.status();
      assert.equal(mtl?.name, 'mtl');
      assert.ok(mtl?.state === 'retrying' || mtl?.state === 'connecting', `mtl is ${mtl?.state}`);
      assert.deepEqual([backupStatus?.name, backupStatus?.state], ['backup', 'bound']);
    } finally {
      await under.transport.close();
      await backup.close();
    }
  });

  it('waits for a connector while none is bound, then fails retryable with SMPP_UNAVAILABLE', async () => {
    const sim = await startSmscSim({ systemId: 'test', password: 'right' });
    const under = await startTransport(smppUrl(sim.port, '', 'test:wrong'), { unavailableTimeoutMs: 300 });
    try {
      const error = await under.transport.submit(sms('15145550500', ['hello'])).catch((e: unknown) => e);
      assert.ok(error instanceof TransportError);
      assert.equal(error.retryable, true);
      assert.equal(error.code, 'SMPP_UNAVAILABLE');
      // The connector alternates retrying ↔ connecting as it backs off; under load the sample above may
      // fall on a reconnect, so watch for the retrying state with its reason.
      let status = under.transport.status()[0];
      for (let i = 0; i < 100 && status?.state !== 'retrying'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = under.transport.status()[0];
      }
      assert.equal(status?.state, 'retrying');
      assert.match(status?.detail ?? '', /bind refused: ESME_RINVPASWD \(0x0000000E\)/);
      assert.ok(sim.stats.bindFailures >= 1);
      assert.equal(sim.stats.submitSm, 0);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('a submit made before the first bind waits for it', async () => {
    const sim = await startSmscSim();
    const under = await startTransport(smppUrl(sim.port));
    try {
      const { carrierIds } = await under.transport.submit(sms('15145550501', ['early']));
      assert.equal(carrierIds.length, 1);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });
});

describe('SMPP session lifecycle', () => {
  it('binds transmitter+receiver as two sessions; receipts come on the receiver', async () => {
    const sim = await startSmscSim({ receiptDelayMs: 0 });
    const under = await startTransport(smppUrl(sim.port, 'bind=transmitter%2Breceiver'));
    try {
      const { carrierIds } = await under.transport.submit(sms('15145550600', ['hello']));
      await waitUntil(() => under.receipts.length === 1, 'the receipt');
      assert.equal(under.receipts[0]?.carrierId, carrierIds[0]);
      assert.equal(sim.stats.binds, 2);
      assert.match(under.transport.status()[0]?.detail ?? '', /^transmitter\+receiver/);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('keeps the link alive with enquire_link', async () => {
    const sim = await startSmscSim();
    const under = await startTransport(smppUrl(sim.port, 'enquire_link=1000'));
    try {
      await waitUntil(() => sim.stats.enquireLinks >= 1, 'an enquire_link', 3_000);
    } finally {
      await under.transport.close();
      await sim.close();
    }
  });

  it('unbinds cleanly on close, after the answers in flight; later submits fail retryable', async () => {
    const sim = await startSmscSim();
    const under = await startTransport(smppUrl(sim.port));
    const pending = submitMany((s) => under.transport.submit(s), 20);
    await waitUntil(() => sim.stats.accepted > 0, 'the first submits');
    await under.transport.close();
    const results = await pending;
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter(
      (r) =>
        r.status === 'rejected' && r.reason instanceof TransportError && r.reason.code === 'SMPP_CLOSING',
    ).length;
    assert.equal(accepted + refused, 20, 'every submit settled: answered, or refused as closing');
    assert.equal(accepted, sim.stats.accepted, 'no answer was lost on close');
    assert.equal(sim.stats.unbinds, 1);
    assert.deepEqual(
      under.transport.status().map((s) => s.state),
      ['closed'],
    );
    await assert.rejects(under.transport.submit(sms('15145550700', ['late'])), { code: 'SMPP_CLOSING' });
    await sim.close();
  });
});
