import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BroadcastCompletion } from '../../../src/domain/broadcasts/broadcast-completion.js';
import {
  BroadcastFanOut,
  OPTED_OUT,
  smsDisposition,
} from '../../../src/domain/broadcasts/broadcast-fanout.js';
import type { QueuedSms } from '../../../src/domain/broadcasts/broadcasts.js';
import type {
  BroadcastQueueStore,
  FanOutBatch,
  FanOutClaim,
  FanOutOptions,
  SnapshotRecipient,
} from '../../../src/domain/ports/broadcast-queue.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const CLAIM: FanOutClaim = {
  broadcastId: 5,
  accountId: 1,
  name: 'Promo',
  texts: {
    frMessage: 'Bonjour _NAME_',
    enMessage: 'Hi _NAME_',
    frSubject: null,
    enSubject: null,
    frEmail: null,
    enEmail: null,
  },
  fromNumber: '15149541234',
  quietWindow: null,
  accountTimeZone: 'America/Toronto',
  mailFrom: 'radio@example.com',
  cursor: 0,
};

function recipient(id: number, language = 'fr'): SnapshotRecipient {
  return {
    id,
    contactId: 100 + id,
    number: `151455501${String(id).padStart(2, '0')}`,
    email: null,
    contactNumber: `151455501${String(id).padStart(2, '0')}`,
    contactEmail: null,
    name: `C${id}`,
    description: '',
    language,
    timeZone: null,
  };
}

/** One started broadcast's snapshot in memory; commits move the cursor as the store's conditional update does. */
class FakeQueueStore implements BroadcastQueueStore {
  cursor = 0;
  done = false;
  claimed = false;
  released = false;
  /** Set to make the next commit find the cursor moved (another worker, or a delete). */
  loseNextCommit = false;
  readonly commits: { batch: FanOutBatch; options: FanOutOptions }[] = [];
  readonly completionChecks: number[] = [];

  constructor(private readonly snapshot: readonly SnapshotRecipient[]) {}

  async claimFanOut(): Promise<FanOutClaim | undefined> {
    if (this.claimed || this.done) return undefined;
    this.claimed = true;
    return { ...CLAIM, cursor: this.cursor };
  }
  async releaseFanOut(): Promise<void> {
    this.released = true;
    this.claimed = false;
  }
  async readRecipients(_id: number, afterId: number, limit: number): Promise<SnapshotRecipient[]> {
    return this.snapshot.filter((r) => r.id > afterId).slice(0, limit);
  }
  async commitBatch(batch: FanOutBatch, options: FanOutOptions): Promise<boolean> {
    if (this.loseNextCommit || batch.claim.cursor !== this.cursor || this.done) return false;
    this.commits.push({ batch, options });
    this.cursor = batch.toCursor;
    this.done = batch.done;
    return true;
  }
  async awaitingCompletion(): Promise<number[]> {
    return this.done ? [CLAIM.broadcastId] : [];
  }
  async completeIfDone(id: number): Promise<boolean> {
    this.completionChecks.push(id);
    return this.done;
  }
}

function fanOutOn(store: FakeQueueStore, batchSize: number): BroadcastFanOut {
  const now = () => 42;
  const completion = new BroadcastCompletion({ store, log: silent, now });
  return new BroadcastFanOut({
    store,
    completion,
    log: silent,
    now,
    settings: { batchSize, ratePerSecond: 20, leaseMs: 5000 },
  });
}

const noop = async (): Promise<void> => {};

describe('BroadcastFanOut', () => {
  it('queues the snapshot in batches from the cursor, rendered per recipient, then checks completion', async () => {
    const store = new FakeQueueStore([1, 2, 3, 4, 5].map((id) => recipient(id, id === 2 ? 'en' : 'fr')));
    let batches = 0;
    const worked = await fanOutOn(store, 2).fanOutNext(new AbortController().signal, async () => {
      batches += 1;
    });
    assert.equal(worked, true);
    assert.deepEqual(
      store.commits.map((c) => [c.batch.claim.cursor, c.batch.toCursor, c.batch.done]),
      [
        [0, 2, false],
        [2, 4, false],
        [4, 5, true],
      ],
    );
    assert.equal(batches, 3, 'afterBatch once per committed batch');
    assert.deepEqual(
      store.commits[0]?.batch.sms.map((s) => [s.contactId, s.body]),
      [
        [101, 'Bonjour C1'],
        [102, 'Hi C2'],
      ],
    );
    assert.deepEqual(store.commits[0]?.options, { now: 42, leaseMs: 5000, ratePerSecond: 20, quiet: null });
    assert.deepEqual(store.completionChecks, [5]);
    assert.equal(await fanOutOn(store, 2).fanOutNext(new AbortController().signal, noop), false);
  });

  it('stops at a lost claim (the completion check then finds its fan-out unfinished)', async () => {
    const store = new FakeQueueStore([1, 2, 3].map((id) => recipient(id)));
    store.loseNextCommit = true;
    assert.equal(await fanOutOn(store, 2).fanOutNext(new AbortController().signal, noop), true);
    assert.equal(store.commits.length, 0);
    assert.equal(store.cursor, 0);
    assert.equal(store.done, false);
  });

  it('hands the claim back at once when stopping', async () => {
    const store = new FakeQueueStore([1, 2, 3].map((id) => recipient(id)));
    const stop = new AbortController();
    await fanOutOn(store, 1).fanOutNext(stop.signal, async () => stop.abort());
    assert.equal(store.commits.length, 1, 'the batch in hand commits; nothing after it');
    assert.equal(store.released, true);
    assert.equal(store.cursor, 1);
  });
});

describe('smsDisposition', () => {
  const sms: QueuedSms = {
    contactId: 1,
    to: '15145550101',
    body: 'x',
    partCount: 1,
    encoding: 'GSM-7',
    failure: null,
  };

  it('queues, cancels a number that opted out since the start, fails a message that cannot be sent', () => {
    assert.deepEqual(smsDisposition(sms, new Set()), { status: 'queued', error: null });
    assert.deepEqual(smsDisposition(sms, new Set(['15145550101'])), {
      status: 'cancelled',
      error: OPTED_OUT,
    });
    assert.deepEqual(
      smsDisposition({ ...sms, failure: 'message is too long (maximum 10 parts)' }, new Set()),
      {
        status: 'failed',
        error: 'message is too long (maximum 10 parts)',
      },
    );
  });
});
