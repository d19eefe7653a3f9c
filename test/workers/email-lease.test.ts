import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Store } from '../../src/store/database.js';
import { insertQueuedEmail } from '../../src/store/emails-repo.js';
import type { EmailTransport, OutboundEmail } from '../../src/transport/types.js';
import { EmailDispatcher } from '../../src/workers/email-dispatcher.js';
import { waitFor } from '../helpers/broadcasts.js';
import { tempStore } from '../helpers/store.js';

/** An SMTP server slow to answer: each email takes `delayMs`; counts what it accepted, per address. */
class SlowSmtp implements EmailTransport {
  readonly kind = 'slow';
  readonly accepted = new Map<string, number>();
  constructor(private readonly delayMs: number) {}
  async send(email: OutboundEmail) {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.accepted.set(email.to, (this.accepted.get(email.to) ?? 0) + 1);
    return { messageId: email.to };
  }
  async close() {}
}

describe('two email dispatchers and a claim longer than its lease', () => {
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
    const smtp = new SlowSmtp(200);
    const dispatcher = () =>
      new EmailDispatcher({
        store,
        email: smtp,
        log: pino({ level: 'silent' }),
        now: Date.now,
        leaseMs: 2_000,
        batchSize: count,
        concurrency: 1,
        pollMs: 50,
      });
    const [first, second] = [dispatcher(), dispatcher()];
    first.start();
    // The second worker starts once the first holds the whole queue.
    await waitFor('the first claim', async () => {
      const row = await store.db
        .selectFrom('emails')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'sending')
        .executeTakeFirstOrThrow();
      return Number(row.n) === count;
    });
    second.start();
    try {
      await waitFor(
        'every email sent',
        async () => {
          const row = await store.db
            .selectFrom('emails')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'sent')
            .executeTakeFirstOrThrow();
          return Number(row.n) === count;
        },
        20_000,
      );
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    assert.deepEqual([...new Set(smtp.accepted.values())], [1], JSON.stringify([...smtp.accepted]));
    assert.equal(smtp.accepted.size, count);
  });
});
