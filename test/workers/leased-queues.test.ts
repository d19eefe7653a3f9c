import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Store } from '../../src/store/database.js';
import { insertQueuedEmail } from '../../src/store/emails/emails-repo.js';
import { EmailDeliveryService } from '../../src/domain/emails/email-delivery.js';
import { MessageEvents } from '../../src/domain/messages/message-events.js';
import { VerificationService } from '../../src/domain/verification/verification-service.js';
import { EmailQueueRepo } from '../../src/store/emails/emails-repo.js';
import { VerificationRepo } from '../../src/store/verification/verifications-repo.js';
import { createEmailDispatcher } from '../../src/workers/email-dispatcher.js';
import { createVerificationCaller } from '../../src/workers/verification-caller.js';
import { waitFor } from '../helpers/broadcasts.js';
import { tempStore } from '../helpers/store.js';

/** A provider slow to answer (an SMTP server, a telephony API): each request takes `delayMs`; counts per address. */
class SlowPeer {
  readonly taken = new Map<string, number>();
  constructor(private readonly delayMs: number) {}
  async take(address: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.taken.set(address, (this.taken.get(address) ?? 0) + 1);
  }
}

/*
 * Two workers share a queue whose work outlasts a lease: the first claims everything, the lease
 * lapses mid-claim and the second takes back what is left. Each item must still go out once.
 */
describe('two workers on one leased queue, with work slower than the lease', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let accountId: number;
  before(async () => {
    temp = await tempStore();
    ({ store, accountId } = temp);
  });
  after(() => temp.close());

  const rowsWith = async (table: 'emails' | 'verifications', status: string) => {
    const row = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', status)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const assertEachOnce = (peer: SlowPeer, count: number) => {
    assert.equal(peer.taken.size, count);
    assert.deepEqual([...new Set(peer.taken.values())], [1], JSON.stringify([...peer.taken]));
  };

  it('sends each email once: no send starts late in a lease another worker may then take back', async () => {
    // 15 emails of 200 ms each, one at a time, in one claim: 3 s, beyond a 2 s lease.
    const count = 15;
    for (let i = 0; i < count; i++) {
      await insertQueuedEmail(store.db, {
        accountId,
        kind: 'api',
        from: 'radio@example.com',
        to: `listener${i}@example.com`,
        subject: 'Hi',
        body: 'Hello',
        format: 'text',
        acceptedAt: Date.now(),
      });
    }
    const smtp = new SlowPeer(200);
    const log = pino({ level: 'silent' });
    const dispatcher = () =>
      createEmailDispatcher(
        new EmailDeliveryService({
          queue: new EmailQueueRepo(store),
          email: {
            kind: 'slow',
            close: async () => {},
            send: async (email) => {
              await smtp.take(email.to);
              return { messageId: email.to };
            },
          },
          log,
          now: Date.now,
          settings: { leaseMs: 2_000, batchSize: count, concurrency: 1 },
        }),
        log,
        50,
      );
    const [first, second] = [dispatcher(), dispatcher()];
    first.start();
    // The second worker starts once the first holds the whole queue.
    await waitFor('the first claim', async () => (await rowsWith('emails', 'sending')) === count);
    second.start();
    try {
      await waitFor('every email sent', async () => (await rowsWith('emails', 'sent')) === count, 20_000);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    assertEachOnce(smtp, count);
  });

  it('places each verification call once', async () => {
    // 8 calls of 300 ms, 3 at once per caller, under a 1 s lease the callers renew while calling.
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
          expires_at: now + 600_000,
          check_attempts: 0,
        })),
      )
      .execute();
    const telephony = new SlowPeer(300);
    const log = pino({ level: 'silent' });
    const callers = [1, 2].map(() =>
      createVerificationCaller(
        new VerificationService({
          lineTypes: { lineType: async () => undefined },
          store: new VerificationRepo(store),
          voice: {
            kind: 'slow',
            close: async () => {},
            placeCall: async (call) => {
              await telephony.take(call.to);
              return { callId: `call-${call.to}`, outcome: 'answered' as const, durationMs: 1 };
            },
          },
          events: new MessageEvents(),
          log,
          now: Date.now,
          settings: {
            limitPerNumber: 10,
            limitPerKey: 100,
            landlinePrefixes: [],
            fallbackWaitMs: 0,
            codeTtlMs: 600_000,
            retries: 1,
            retryDelayMs: 60_000,
            maxConcurrentCalls: 3,
          },
          callLeaseMs: 1_000,
        }).calls,
        log,
        50,
      ),
    );
    for (const caller of callers) caller.start();
    try {
      await waitFor(
        'every call placed',
        async () => (await rowsWith('verifications', 'answered')) === count,
        20_000,
      );
    } finally {
      await Promise.all(callers.map((c) => c.stop()));
    }
    assertEachOnce(telephony, count);
  });
});
