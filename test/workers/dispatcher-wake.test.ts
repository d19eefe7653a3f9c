import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { readConfig } from '../../src/config.js';
import { MessageEvents } from '../../src/domain/messages/message-events.js';
import { createSmsDispatcher } from '../../src/outbound-wiring.js';
import type { SmsDispatcher } from '../../src/workers/dispatcher.js';
import { insertOutbound, testSandbox, waitFor } from '../helpers/messages.js';
import { tempStore } from '../helpers/store.js';

describe('the dispatcher wakes when this process queues an SMS', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let dispatcher: SmsDispatcher;
  const sandbox = testSandbox();
  const events = new MessageEvents();
  before(async () => {
    temp = await tempStore();
    await sandbox.start({ onReceipt: async () => {}, onInbound: async () => {} });
    dispatcher = createSmsDispatcher({
      store: temp.store,
      sms: sandbox,
      events,
      log: pino({ level: 'silent' }),
      now: Date.now,
      config: readConfig({}).dispatch,
      // Polls so rarely that only the wake-up can explain a prompt submit.
      pollMs: 60_000,
    });
    dispatcher.start();
    // Its first look finds nothing; it then waits for the poll or a wake-up.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  after(async () => {
    await dispatcher.stop();
    await sandbox.close();
    await temp.close();
  });

  it('submits a row queued after it went idle at once, not at its next poll', async () => {
    await insertOutbound(temp.store.db, temp.accountId, ['15145550199'], {
      status: 'queued',
      attempts: 0,
      sent_at: null,
    });
    events.notifyQueued('sms');
    await waitFor(
      'the message submitted',
      async () => (sandbox.acceptedParts === 1 ? true : undefined),
      5_000,
    );
    assert.equal(sandbox.acceptedParts, 1);
  });
});
