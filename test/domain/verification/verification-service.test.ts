import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { MessageEvents, type MessageStatusEvent } from '../../../src/domain/messages/message-events.js';
import type { StoreTransaction } from '../../../src/domain/ports/transaction.js';
import { TransportError, type VoiceCall } from '../../../src/domain/ports/transports.js';
import type {
  CallOutcome,
  ClaimedCall,
  NewVerification,
  StoredVerification as VerificationRow,
  VerificationOutcome,
  VerificationStore,
} from '../../../src/domain/ports/verification-store.js';
import { VerificationService } from '../../../src/domain/verification/verification-service.js';

interface StoredVerification {
  readonly input: NewVerification;
  messageId: number | null;
  status: string;
  attempts: number;
  unanswered: number;
  error: string | null;
}

/** The verification store in memory: what the service reads and writes, nothing of SQL. */
class MemoryVerificationStore implements VerificationStore {
  readonly landlines = new Set<string>();
  readonly rows: StoredVerification[] = [];
  private nextMessageId = 1;

  async isKnownLandline(number: string): Promise<boolean> {
    return this.landlines.has(number);
  }
  async senderNumbers(): Promise<string[]> {
    return ['15149541234'];
  }
  async createVerification(input: NewVerification): Promise<VerificationOutcome> {
    if (this.rows.some((r) => r.input.requestId === input.requestId)) return 'request_id_used';
    const messageId = input.sms ? this.nextMessageId++ : null;
    this.rows.push({
      input,
      messageId,
      status: input.sms ? 'sms' : 'call_queued',
      attempts: 0,
      unanswered: 0,
      error: null,
    });
    return 'created';
  }
  async switchToVoice(
    _tx: StoreTransaction,
    messageIds: readonly number[],
    _now: number,
    createdSince: number,
  ): Promise<string[]> {
    const switched = this.rows.filter(
      (r) =>
        r.messageId !== null &&
        messageIds.includes(r.messageId) &&
        r.status === 'sms' &&
        r.input.sms?.fallback === true &&
        r.input.createdAt >= createdSince,
    );
    for (const row of switched) row.status = 'call_queued';
    return switched.map((r) => r.input.to);
  }
  async rememberLandlines(_tx: StoreTransaction, numbers: readonly string[]): Promise<void> {
    for (const number of numbers) this.landlines.add(number);
  }
  async claimDueCalls(): Promise<ClaimedCall[]> {
    const index = this.rows.findIndex((r) => r.status === 'call_queued');
    const row = this.rows[index];
    if (!row) return [];
    row.status = 'calling';
    const { input } = row;
    return [
      {
        id: index,
        account_id: input.accountId,
        to_number: input.to,
        language: input.language,
        code: input.code,
        attempts: row.attempts,
        calls_unanswered: row.unanswered,
        expires_at: input.expiresAt,
        verified_at: null,
      },
    ];
  }
  async renewCallLease(): Promise<boolean> {
    return true;
  }
  async markCallAnswered(id: number): Promise<boolean> {
    const row = this.rows[id];
    if (row) row.status = 'in_call';
    return row !== undefined;
  }
  async recordCall(id: number, outcome: CallOutcome): Promise<void> {
    const row = this.rows[id];
    if (!row) return;
    row.attempts++;
    if (outcome.attempt?.outcome === 'busy' || outcome.attempt?.outcome === 'no_answer') row.unanswered++;
    row.status = outcome.kind === 'final' ? outcome.status : 'call_queued';
    row.error = outcome.error;
  }
  // check_verification is tested on the real stores (test/http/check-verification.test.ts).
  async findVerification(): Promise<VerificationRow | undefined> {
    return undefined;
  }
  async countCheckAttempt(): Promise<boolean> {
    return false;
  }
  async markVerified(): Promise<boolean> {
    return false;
  }
  async releaseExpiredLeases(): Promise<number> {
    return 0;
  }
}

/** Places the due call and waits for it to be recorded (one at a time: maxConcurrentCalls 1). */
async function placeDueCall(verification: VerificationService): Promise<boolean> {
  const started = await verification.calls.placeDueCalls();
  await verification.calls.drain();
  return started;
}

/** The listeners only hand the transaction back to the store; the fake store ignores it. */
const tx = {} as StoreTransaction;
const NOW = Date.UTC(2026, 11, 2, 12);
const settings = {
  limitPerNumber: 5,
  limitPerKey: 50,
  landlinePrefixes: [],
  fallbackWaitMs: 60_000,
  codeTtlMs: 600_000,
  retries: 1,
  retryDelayMs: 60_000,
  maxConcurrentCalls: 1,
};
const sender = { accountId: 1, keyId: 7 };

function service(calls: VoiceCall[] = [], refuse?: TransportError) {
  const store = new MemoryVerificationStore();
  const events = new MessageEvents();
  const queued: string[] = [];
  events.onQueued('sms', () => queued.push('sms'));
  events.onQueued('call', () => queued.push('call'));
  const verification = new VerificationService({
    store,
    lineTypes: { lineType: async () => undefined },
    voice: {
      kind: 'memory',
      async placeCall(call, progress) {
        if (refuse) throw refuse;
        calls.push(call);
        await progress?.answered(`call-${calls.length}`);
        return { callId: `call-${calls.length}`, outcome: 'answered' as const, durationMs: 1 };
      },
      async close() {},
    },
    events,
    log: pino({ level: 'silent' }),
    now: () => NOW,
    settings,
    newRequestId: () => 'generated',
  });
  return { store, events, queued, verification };
}

const failedSms = (messageId: number, detailedStatus: string | null): MessageStatusEvent => ({
  messageId,
  accountId: 1,
  broadcastId: null,
  toNumber: '15145550000',
  status: 'failed',
  detailedStatus,
  error: null,
});

describe('the verification service', () => {
  it('calls a number it knows to be a landline instead of texting it', async () => {
    const { store, queued, verification } = service();
    store.landlines.add('15145551234');
    const requestId = await verification.send(
      { to: '15145551234', code: '1234', language: 'fr', requestId: undefined },
      sender,
    );
    assert.equal(requestId, 'generated');
    assert.deepEqual(
      store.rows.map((r) => [r.status, r.input.sms]),
      [['call_queued', undefined]],
    );
    assert.deepEqual(queued, ['call']);
  });

  it('texts a number of unknown type, with the fallback to voice', async () => {
    const { store, queued, verification } = service();
    await verification.send({ to: '15145551234', code: '1234', language: 'en', requestId: 'r1' }, sender);
    assert.equal(store.rows[0]?.status, 'sms');
    assert.equal(store.rows[0]?.input.sms?.body, 'Your verification code is 1234');
    assert.equal(store.rows[0]?.input.sms?.fallback, true);
    assert.deepEqual(queued, ['sms']);
  });

  it('switches a failed verification SMS to a call once, and remembers the landline', async () => {
    const calls: VoiceCall[] = [];
    const { store, events, queued, verification } = service(calls);
    verification.listenForFailedSms();
    await verification.send({ to: '15145551234', code: '1234', language: 'fr', requestId: 'r1' }, sender);
    const messageId = store.rows[0]?.messageId ?? 0;
    await events.emit([failedSms(messageId, 'UNDELIV_001')], tx);
    await events.emit([failedSms(messageId, 'UNDELIV_001')], tx);
    assert.equal(store.rows[0]?.status, 'call_queued');
    assert.deepEqual([...store.landlines], ['15145551234']);
    assert.deepEqual(queued, ['sms', 'call']);
    assert.equal(await placeDueCall(verification), true);
    assert.equal(await placeDueCall(verification), false);
    assert.deepEqual(
      calls.map((c) => [c.to, c.text]),
      [['15145551234', 'Votre code de vérification est : 1, 2, 3, 4. Je répète : 1, 2, 3, 4.']],
    );
  });

  it('does not fall back on a failure that is not an undelivered SMS', async () => {
    const { store, events, verification } = service();
    verification.listenForFailedSms();
    await verification.send({ to: '15145551234', code: '1234', language: 'fr', requestId: 'r1' }, sender);
    await events.emit([failedSms(store.rows[0]?.messageId ?? 0, 'REJECTD_005')], tx);
    assert.equal(store.rows[0]?.status, 'sms');
  });

  it('answers the contract errors for a used request_id', async () => {
    const { verification } = service();
    const request = { to: '15145551234', code: '1234', language: 'fr' as const, requestId: 'r1' };
    await verification.send(request, sender);
    await assert.rejects(verification.send(request, sender), { message: 'request_id already used' });
  });

  it('retries a call the telephony could not place for now, and fails one it refused for good', async () => {
    const { store, verification } = service([], new TransportError('busy', true));
    store.landlines.add('15145551234');
    await verification.send({ to: '15145551234', code: '1234', language: 'fr', requestId: 'r1' }, sender);
    await placeDueCall(verification);
    assert.deepEqual([store.rows[0]?.status, store.rows[0]?.error], ['call_queued', 'busy']);
    const refused = service([], new TransportError('no such number', false));
    refused.store.landlines.add('15145551234');
    await refused.verification.send(
      { to: '15145551234', code: '1234', language: 'fr', requestId: 'r1' },
      sender,
    );
    await placeDueCall(refused.verification);
    assert.deepEqual(
      [refused.store.rows[0]?.status, refused.store.rows[0]?.error],
      ['failed', 'no such number'],
    );
  });
});
