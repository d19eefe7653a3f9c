import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Store } from '../../src/store/database.js';
import type { VoiceCall, VoiceTransport } from '../../src/transport/types.js';
import { MessageEvents } from '../../src/workers/message-events.js';
import { VerificationCaller } from '../../src/workers/verification-caller.js';
import { waitFor } from '../helpers/broadcasts.js';
import { tempStore } from '../helpers/store.js';

/** A telephony provider slow to place calls; counts the calls per number. */
class SlowVoice implements VoiceTransport {
  readonly kind = 'slow';
  readonly calls = new Map<string, number>();
  constructor(private readonly delayMs: number) {}
  async placeCall(call: VoiceCall) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.calls.set(call.to, (this.calls.get(call.to) ?? 0) + 1);
    return { callId: `call-${call.to}` };
  }
  async close() {}
}

describe('two verification callers and calls slower than the lease allows for a batch', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let accountId: number;
  before(async () => {
    temp = await tempStore();
    ({ store, accountId } = temp);
  });
  after(async () => {
    await temp.close();
  });

  it('places each call once', async () => {
    // 8 calls of 300 ms: a claim of all of them (2.4 s) would outlive a 1 s lease.
    const count = 8;
    const now = Date.now();
    await store.db
      .insertInto('verifications')
      .values(
        Array.from({ length: count }, (_, i) => ({
          account_id: accountId,
          key_id: 0,
          request_id: `req-${i}`,
          to_number: `15145559${String(i).padStart(3, '0')}`,
          language: 'fr',
          channel: 'call',
          status: 'call_queued',
          created_at: now,
          code: '1234',
          fallback: 0,
          attempts: 0,
          next_attempt_at: now,
        })),
      )
      .execute();
    const voice = new SlowVoice(300);
    const callers = [1, 2].map(
      () =>
        new VerificationCaller({
          store,
          voice,
          events: new MessageEvents(),
          log: pino({ level: 'silent' }),
          now: Date.now,
          fallbackWaitMs: 0,
          pollMs: 50,
          leaseMs: 1_000,
        }),
    );
    for (const caller of callers) caller.start();
    try {
      await waitFor(
        'every call placed',
        async () => {
          const row = await store.db
            .selectFrom('verifications')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'call_placed')
            .executeTakeFirstOrThrow();
          return Number(row.n) === count;
        },
        20_000,
      );
    } finally {
      await Promise.all(callers.map((c) => c.stop()));
    }
    assert.equal(voice.calls.size, count);
    assert.deepEqual([...new Set(voice.calls.values())], [1], JSON.stringify([...voice.calls]));
  });
});
