import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { MessageEvents } from '../../src/domain/messages/message-events.js';
import {
  TransportError,
  type CallProgress,
  type CallResult,
  type VoiceCall,
  type VoiceTransport,
} from '../../src/domain/ports/transports.js';
import {
  VerificationService,
  type VerificationSettings,
} from '../../src/domain/verification/verification-service.js';
import type { Store } from '../../src/store/database.js';
import { LandlinesRepo } from '../../src/store/verification/landlines-repo.js';
import { VerificationRepo } from '../../src/store/verification/verifications-repo.js';
import { createVerificationCaller } from '../../src/workers/verification-caller.js';
import { waitFor } from '../helpers/messages.js';
import { tempStore } from '../helpers/store.js';

const T0 = Date.UTC(2026, 11, 3, 12);
const LEASE_MS = 60_000;
const log = pino({ level: 'silent' });

const SETTINGS: VerificationSettings = {
  limitPerNumber: 100,
  limitPerKey: 1000,
  // Every number of these tests is a landline: its code is called at once.
  landlinePrefixes: ['1514555'],
  fallbackWaitMs: 0,
  codeTtlMs: 600_000,
  retries: 1,
  retryDelayMs: 60_000,
  maxConcurrentCalls: 1,
};

/** A telephony peer the test drives: each call waits for `answer` to decide how it goes. */
class ScriptedTelephony implements VoiceTransport {
  readonly kind = 'scripted';
  readonly placed: VoiceCall[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly answer: (
      call: VoiceCall,
      progress: CallProgress | undefined,
      n: number,
    ) => Promise<CallResult>,
    readonly maxConcurrentCalls?: number,
  ) {}
  async placeCall(call: VoiceCall, progress?: CallProgress): Promise<CallResult> {
    this.placed.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.answer(call, progress, this.placed.length);
    } finally {
      this.inFlight--;
    }
  }
  async close(): Promise<void> {}
}

/** A promise the test settles later. */
function gate<T = void>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

describe('the verification caller: answered calls, retries, concurrency', () => {
  let temp: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let accountId: number;
  let serial = 0;
  before(async () => {
    temp = await tempStore();
    ({ store, accountId } = temp);
  });
  after(() => temp.close());
  beforeEach(async () => {
    await store.db.deleteFrom('verifications').execute();
  });

  function service(voice: VoiceTransport, now: () => number, settings: Partial<VerificationSettings> = {}) {
    return new VerificationService({
      store: new VerificationRepo(store),
      lineTypes: new LandlinesRepo(store.db),
      voice,
      events: new MessageEvents(),
      log,
      now,
      settings: { ...SETTINGS, ...settings },
      callLeaseMs: LEASE_MS,
    });
  }

  /** Queues a call to a new landline number; returns its request_id. */
  async function queueCall(verification: VerificationService): Promise<string> {
    serial++;
    const to = `1514555${String(serial).padStart(4, '0')}`;
    return verification.send(
      { to, code: '4815', language: 'fr', requestId: `r-${serial}` },
      { accountId, keyId: 1 },
    );
  }

  const row = (requestId: string) =>
    store.db
      .selectFrom('verifications')
      .selectAll()
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();

  it('never places again a call that was answered, though its caller died mid-prompt', async () => {
    // Caller A: the callee answers, the prompt "plays" for ever (the process is as good as dead).
    const prompt = gate<CallResult>();
    const answered = gate();
    const a = service(
      new ScriptedTelephony(async (_call, progress) => {
        await progress?.answered('call-a');
        answered.open();
        return prompt.promise;
      }),
      () => T0,
    );
    const reached = await queueCall(a);
    // And a call A claimed but that never got answered: that one must be placed again.
    const ringing = await queueCall(a);
    assert.equal(await a.calls.placeDueCalls(), true);
    await answered.promise;
    assert.equal((await row(reached)).status, 'in_call');

    const hangUp = gate<CallResult>();
    const stuck = service(new ScriptedTelephony(() => hangUp.promise), () => T0);
    assert.equal(await stuck.calls.placeDueCalls(), true);
    await waitFor('the second call claimed', async () => (await row(ringing)).status === 'calling');

    // Caller B comes after both leases ran out (and before the codes expire).
    const bPeer = new ScriptedTelephony(async (call) => ({
      callId: `b-${call.to}`,
      outcome: 'answered',
      durationMs: 9000,
    }));
    const b = service(bPeer, () => T0 + 3 * LEASE_MS, { maxConcurrentCalls: 5 });
    await b.calls.placeDueCalls();
    await b.calls.drain();
    assert.deepEqual(
      bPeer.placed.map((c) => c.to),
      [(await row(ringing)).to_number],
      'B placed the unanswered call again, and only that one',
    );
    const settled = await row(reached);
    assert.equal(settled.status, 'answered');
    assert.equal(settled.call_id, 'call-a');
    assert.equal(Number(settled.answered_at), T0);
    assert.equal(settled.error, 'the caller stopped during the call');
    assert.equal(await b.calls.placeDueCalls(), false);

    // A wakes up at last: its late record changes nothing.
    prompt.open({ callId: 'call-a', outcome: 'answered', durationMs: 20_000 });
    hangUp.open({ callId: 'call-stuck', outcome: 'no_answer', sipCode: 487, durationMs: 0 });
    await Promise.all([a.calls.drain(), stuck.calls.drain()]);
    assert.equal((await row(reached)).error, 'the caller stopped during the call');
    assert.equal((await row(ringing)).call_id, `b-${(await row(ringing)).to_number}`);
  });

  for (const [outcome, sipCode] of [
    ['busy', 486],
    ['no_answer', 480],
  ] as const) {
    it(`calls a ${outcome} number once more after the retry delay, then records ${outcome}`, async () => {
      let now = T0;
      const peer = new ScriptedTelephony(async (_call, _progress, n) => ({
        callId: `c-${n}`,
        outcome,
        sipCode,
        reason: outcome === 'busy' ? 'Busy Here' : 'Temporarily Unavailable',
        durationMs: 0,
      }));
      const verification = service(peer, () => now);
      const requestId = await queueCall(verification);
      assert.equal(await verification.calls.placeDueCalls(), true);
      await verification.calls.drain();
      const waiting = await row(requestId);
      assert.equal(waiting.status, 'call_queued');
      assert.equal(waiting.call_outcome, outcome);
      assert.equal(waiting.sip_code, sipCode);
      assert.equal(waiting.attempts, 1);
      assert.equal(Number(waiting.next_attempt_at), T0 + 60_000);

      now = T0 + 59_999;
      assert.equal(await verification.calls.placeDueCalls(), false, 'not before the delay');
      now = T0 + 60_000;
      assert.equal(await verification.calls.placeDueCalls(), true);
      await verification.calls.drain();
      const final = await row(requestId);
      assert.equal(final.status, outcome);
      assert.equal(final.attempts, 2);
      assert.equal(final.call_id, 'c-2');
      now = T0 + 600_000;
      assert.equal(await verification.calls.placeDueCalls(), false, 'no third call');
      assert.equal(peer.placed.length, 2);
    });
  }

  it('keeps the busy retry when an earlier attempt could not be placed at all', async () => {
    let now = T0;
    const peer = new ScriptedTelephony(async (_call, _progress, n) => {
      if (n === 1) throw new TransportError('no trunk answers OPTIONS', true);
      return { callId: `c-${n}`, outcome: 'busy', sipCode: 486, reason: 'Busy Here', durationMs: 0 };
    });
    const verification = service(peer, () => now);
    const requestId = await queueCall(verification);
    for (let i = 0; i < 3; i++) {
      now = Math.max(now, Number((await row(requestId)).next_attempt_at));
      await verification.calls.placeDueCalls();
      await verification.calls.drain();
    }
    const final = await row(requestId);
    assert.deepEqual(
      [final.status, final.attempts, final.calls_unanswered, peer.placed.length],
      ['busy', 3, 2, 3],
      'not placed, then busy, then busy again once (VERIFY_CALL_RETRIES 1), then settled',
    );
  });

  it('records a refused call (SIP 404) as failed at once, with its code', async () => {
    const peer = new ScriptedTelephony(async () => ({
      callId: 'nf',
      outcome: 'failed',
      sipCode: 404,
      reason: 'Not Found',
      durationMs: 0,
    }));
    const verification = service(peer, () => T0);
    const requestId = await queueCall(verification);
    await verification.calls.placeDueCalls();
    await verification.calls.drain();
    const final = await row(requestId);
    assert.deepEqual(
      [final.status, final.call_outcome, final.sip_code, final.error, final.attempts],
      ['failed', 'failed', 404, 'failed (SIP 404 Not Found)', 1],
    );
    assert.equal(await verification.calls.placeDueCalls(), false);
  });

  it('does not ring for a code that expired while it waited', async () => {
    let now = T0;
    const peer = new ScriptedTelephony(async () => ({ callId: 'x', outcome: 'answered', durationMs: 1 }));
    const verification = service(peer, () => now);
    const requestId = await queueCall(verification);
    now = T0 + SETTINGS.codeTtlMs;
    await verification.calls.placeDueCalls();
    await verification.calls.drain();
    assert.equal(peer.placed.length, 0);
    assert.deepEqual(
      [(await row(requestId)).status, (await row(requestId)).error],
      ['failed', 'the code expired before the call'],
    );
  });

  for (const { limit, transportLimit, expected } of [
    { limit: 3, transportLimit: undefined, expected: 3 },
    { limit: 5, transportLimit: 2, expected: 2 },
  ]) {
    it(`has at most ${expected} calls in progress at once (VOICE_MAX_CALLS ${limit}, transport ${transportLimit ?? 'unlimited'})`, async () => {
      const pending: (() => void)[] = [];
      const peer = new ScriptedTelephony(async (call, progress, n) => {
        await new Promise<void>((resolve) => pending.push(resolve));
        await progress?.answered(`c-${n}`);
        return { callId: `c-${n}`, outcome: 'answered', durationMs: 1 };
      }, transportLimit);
      const verification = service(peer, Date.now, { maxConcurrentCalls: limit });
      const count = 10;
      for (let i = 0; i < count; i++) await queueCall(verification);
      const caller = createVerificationCaller(verification.calls, log, 10_000);
      caller.start();
      try {
        // Each call ends only when released: one released, the caller fills the free place.
        for (let released = 0; released < count; released++) {
          await waitFor(
            `${Math.min(expected, count - released)} calls in progress`,
            () => peer.inFlight === Math.min(expected, count - released) && pending.length > 0,
          );
          pending.shift()?.();
        }
        await waitFor('every call answered', async () => {
          const rows = await store.db.selectFrom('verifications').select('status').execute();
          return rows.length === count && rows.every((r) => r.status === 'answered');
        });
      } finally {
        await caller.stop();
      }
      assert.equal(peer.maxInFlight, expected);
      assert.equal(peer.placed.length, count);
    });
  }

  it('keeps the lease of a call that rings longer than the lease: no second caller places it', async () => {
    const peers = [1, 2].map(
      () =>
        new ScriptedTelephony(async (_call, progress, n) => {
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          await progress?.answered(`long-${n}`);
          return { callId: `long-${n}`, outcome: 'answered', durationMs: 1 };
        }),
    );
    const callers = peers.map((peer) => {
      const verification = new VerificationService({
        store: new VerificationRepo(store),
        lineTypes: new LandlinesRepo(store.db),
        voice: peer,
        events: new MessageEvents(),
        log,
        now: Date.now,
        settings: SETTINGS,
        callLeaseMs: 300,
      });
      return { verification, loop: createVerificationCaller(verification.calls, log, 20) };
    });
    const requestId = await queueCall(callers[0]?.verification ?? assert.fail());
    for (const { loop } of callers) loop.start();
    try {
      await waitFor('the call answered and ended', async () => (await row(requestId)).status === 'answered');
    } finally {
      await Promise.all(callers.map(({ loop }) => loop.stop()));
    }
    assert.equal((peers[0]?.placed.length ?? 0) + (peers[1]?.placed.length ?? 0), 1);
  });
});
