import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxSmsTransport } from '../../src/transport/sandbox/sandbox-sms.js';
import type { OutboundSms, SmsTransport, SmsTransportHandlers } from '../../src/domain/ports/transports.js';
import { RECORD_EVERY } from '../../src/workers/dispatcher.js';
import { insertOutbound, testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Answers come back spread out and out of order, as an SMSC's submit_sm_resp do over a window. */
class JitteredCarrier implements SmsTransport {
  readonly kind = 'jittered';
  constructor(private readonly inner: SmsTransport) {}
  start(handlers: SmsTransportHandlers): Promise<void> {
    return this.inner.start(handlers);
  }
  async submit(sms: OutboundSms) {
    const result = await this.inner.submit(sms);
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 10)));
    return result;
  }
  status() {
    return this.inner.status();
  }
  close() {
    return this.inner.close();
  }
}

describe('the dispatcher records every outcome of a large claim', () => {
  let server: TestServer;
  let sandbox: SandboxSmsTransport;
  before(async () => {
    sandbox = testSandbox();
    server = await startTestServer({
      sms: new JitteredCarrier(sandbox),
      env: { DISPATCH_LEASE_MS: '2000', DISPATCH_BATCH_SIZE: '1000', DISPATCH_CONCURRENCY: '50' },
    });
  });
  after(() => server.close());

  it('loses none of the outcomes written in groups of RECORD_EVERY, so sends none twice', async () => {
    // Regression: an outcome that arrived while a group was handed to its write went into that
    // group's array after the write had read it; its row stayed `sending` until the lease lapsed
    // and was then sent a second time.
    const db = server.platform.store.db;
    const count = 3 * RECORD_EVERY + 17;
    // One statement: the dispatcher sees them all at once and claims them in one batch.
    const ids = await insertOutbound(
      db,
      server.account.id,
      Array.from({ length: count }, (_, i) => `1514666${String(i).padStart(4, '0')}`),
      { body: 'Lot', status: 'queued', priority: 1, attempts: 0, sent_at: null },
    );
    server.platform.ctx.messageEvents.notifyQueued();
    await waitFor(
      'every message delivered',
      async () => {
        const states = await db.selectFrom('messages').select('status').where('id', 'in', ids).execute();
        return states.every((r) => r.status === 'delivered');
      },
      30_000,
    );
    // Beyond the lease: a lost outcome would have been taken back and sent again by now.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(sandbox.acceptedParts, count);
    const attempts = await db
      .selectFrom('messages')
      .select('attempts')
      .where('id', 'in', ids)
      .distinct()
      .execute();
    assert.deepEqual(
      attempts.map((a) => Number(a.attempts)),
      [1],
    );
  });
});
