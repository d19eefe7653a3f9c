import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DispatchService,
  refusalOutcome,
  THROTTLE_PAUSE_MS,
} from '../../../src/domain/messages/dispatch-service.js';
import { MessageEvents, type MessageStatusEvent } from '../../../src/domain/messages/message-events.js';
import type {
  ClaimedMessage,
  FailedMessage,
  OutboundQueue,
  RetriedMessage,
  SentMessage,
} from '../../../src/domain/ports/outbound-queue.js';
import type { StoreTransaction } from '../../../src/domain/ports/transaction.js';
import { TransportError, type SmsTransport } from '../../../src/domain/ports/transports.js';

const NOW = 1_700_000_000_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function message(id: number, attempts = 0): ClaimedMessage {
  return {
    id,
    account_id: 7,
    broadcast_id: null,
    from_number: '15149541234',
    to_number: '15145550000',
    body: 'Bonjour',
    encoding: 'GSM-7',
    part_count: 1,
    attempts,
    priority: 0,
  };
}

/** The queue in memory: records what the service writes, and leases every id it is given. */
class FakeQueue implements OutboundQueue {
  sent: SentMessage[] = [];
  failed: FailedMessage[] = [];
  retries: RetriedMessage[] = [];
  transactions = 0;
  /** Ids another dispatcher took back: recording them changes nothing. */
  lost = new Set<number>();
  async claim(): Promise<ClaimedMessage[]> {
    return [];
  }
  async renewLease(): Promise<void> {}
  async releaseClaims(): Promise<void> {}
  async releaseExpiredLeases(): Promise<number> {
    return 0;
  }
  async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    this.transactions++;
    return work({} as StoreTransaction);
  }
  async recordSent(_tx: StoreTransaction, sent: readonly SentMessage[]): Promise<Set<number>> {
    this.sent.push(...sent);
    return new Set(sent.map((m) => m.id).filter((id) => !this.lost.has(id)));
  }
  async recordFailed(_tx: StoreTransaction, failed: readonly FailedMessage[]): Promise<Set<number>> {
    this.failed.push(...failed);
    return new Set(failed.map((m) => m.id).filter((id) => !this.lost.has(id)));
  }
  async recordRetry(_tx: StoreTransaction, retries: readonly RetriedMessage[]): Promise<void> {
    this.retries.push(...retries);
  }
}

function service(submit: SmsTransport['submit'], queue = new FakeQueue()) {
  const events = new MessageEvents();
  const emitted: MessageStatusEvent[] = [];
  events.onSent(async (e) => void emitted.push(...e));
  events.onFinal(async (e) => void emitted.push(...e));
  const sms: SmsTransport = { kind: 'fake', async start() {}, submit, status: () => [], async close() {} };
  const dispatch = new DispatchService({ queue, sms, events, log: silent, now: () => NOW, maxAttempts: 3 });
  return { dispatch, queue, emitted };
}

describe('DispatchService', () => {
  it('records an accepted submit as sent with its carrier ids, and emits sent', async () => {
    const { dispatch, queue, emitted } = service(async () => ({ carrierIds: ['A1', 'A2'] }));
    const outcome = await dispatch.submit(message(1));
    await dispatch.record([outcome], NOW + 60_000);
    assert.deepEqual(queue.sent, [{ id: 1, carrierIds: ['A1', 'A2'] }]);
    assert.equal(queue.transactions, 1);
    assert.deepEqual(
      emitted.map((e) => [e.messageId, e.status, e.error]),
      [[1, 'sent', null]],
    );
  });

  it('requeues a retryable refusal with the backoff, counting the attempt, and emits nothing', async () => {
    const { dispatch, queue, emitted } = service(async () => {
      throw new TransportError('ESME_RSYSERR', true, 'ESME_RSYSERR');
    });
    const outcome = await dispatch.submit(message(2, 1));
    assert.equal(outcome.kind, 'retry');
    await dispatch.record([outcome], NOW + 60_000);
    const [retry] = queue.retries;
    assert.equal(retry?.id, 2);
    assert.equal(retry?.countAttempt, true);
    // Second attempt: 2 s ± 20 % jitter.
    const delay = (retry?.nextAttemptAt ?? 0) - NOW;
    assert.ok(delay >= 1_600 && delay <= 2_400, String(delay));
    assert.deepEqual(emitted, []);
  });

  it('fails a permanent refusal and emits it as final', async () => {
    const { dispatch, queue, emitted } = service(async () => {
      throw new TransportError('invalid destination', false, 'ESME_RINVDSTADR');
    });
    await dispatch.record([await dispatch.submit(message(3))], NOW + 60_000);
    assert.deepEqual(queue.failed, [{ id: 3, error: 'invalid destination' }]);
    assert.deepEqual(
      emitted.map((e) => [e.messageId, e.status, e.error]),
      [[3, 'failed', 'invalid destination']],
    );
  });

  it('fails a retryable refusal once the attempts are used up', () => {
    const outcome = refusalOutcome(message(4, 2), new TransportError('busy', true), NOW, 3);
    assert.deepEqual(outcome, { kind: 'failed', message: message(4, 2), error: 'busy (after 3 attempts)' });
  });

  it('retries a throttle after the pause without counting the attempt', () => {
    const outcome = refusalOutcome(
      message(5, 2),
      new TransportError('slow', true, 'ESME_RTHROTTLED'),
      NOW,
      3,
    );
    assert.equal(outcome.kind, 'retry');
    assert.ok(outcome.kind === 'retry' && outcome.throttled && !outcome.countAttempt);
    assert.equal(outcome.kind === 'retry' && outcome.nextAttemptAt, NOW + THROTTLE_PAUSE_MS);
  });

  it('emits only for the messages still under its lease', async () => {
    const queue = new FakeQueue();
    queue.lost.add(6);
    const { dispatch, emitted } = service(async () => ({ carrierIds: ['B1'] }), queue);
    await dispatch.record(
      [await dispatch.submit(message(6)), await dispatch.submit(message(7))],
      NOW + 60_000,
    );
    assert.deepEqual(
      emitted.map((e) => e.messageId),
      [7],
    );
  });
});
