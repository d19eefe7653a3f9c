import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxSmsTransport } from '../../src/transport/sandbox-sms.js';
import { testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('the dispatcher records every outcome of a batch', () => {
  let server: TestServer;
  let sandbox: SandboxSmsTransport;
  before(async () => {
    // Submits that take a moment: many submitters are awaiting the carrier when a group of outcomes
    // is written, the case where an outcome used to go into a group already written (and was lost:
    // its message stayed leased, then went out a second time).
    sandbox = testSandbox({ submitDelayMs: 5 });
    server = await startTestServer({ sms: sandbox });
  });
  after(() => server.close());

  it('leaves no message of 1,200 waiting for its lease to expire, and sends each once', async () => {
    const count = 1_200;
    const db = server.platform.ctx.store.db;
    const now = Date.now();
    const rows = Array.from({ length: count }, (_, i) => ({
      account_id: server.account.id,
      direction: 'mt' as const,
      from_number: '15149541234',
      to_number: String(15142000000 + i),
      body: `message ${i}`,
      part_count: 1,
      encoding: 'GSM-7',
      status: 'queued',
      priority: 0,
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    }));
    for (let i = 0; i < count; i += 400)
      await db
        .insertInto('messages')
        .values(rows.slice(i, i + 400))
        .execute();
    server.platform.ctx.messageEvents.notifyQueued('sms');
    // Well under the 60 s lease: a lost outcome would keep its message `sending` until then.
    await waitFor(
      'every message delivered',
      async () => {
        const left = await db
          .selectFrom('messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '!=', 'delivered')
          .executeTakeFirstOrThrow();
        return Number(left.n) === 0;
      },
      30_000,
    );
    assert.equal(sandbox.acceptedParts, count, 'each message handed to the carrier once');
  });
});
