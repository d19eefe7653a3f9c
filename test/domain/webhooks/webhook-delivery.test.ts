import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { ClaimOptions } from '../../../src/domain/ports/leased-queue.js';
import type { WebhookPost } from '../../../src/domain/ports/webhook-poster.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  WebhookDeliveryQueue,
} from '../../../src/domain/ports/webhook-store.js';
import { deliveryOutcome, WebhookDeliveryService } from '../../../src/domain/webhooks/webhook-delivery.js';

interface QueuedDelivery {
  readonly delivery: ClaimedDelivery;
  status: 'queued' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  dueAt: number;
  error: string | null;
}

/** The deliveries queue in memory, with the lease checks left out (one worker). */
class MemoryDeliveryQueue implements WebhookDeliveryQueue {
  readonly rows: QueuedDelivery[] = [];

  add(id: number): void {
    const delivery = {
      id,
      event: 'status',
      payload: '{"event":"status"}',
      attempts: 0,
      url: 'https://hooks.example.com/in',
      secret: 'whsec_test',
    };
    this.rows.push({ delivery, status: 'queued', attempts: 0, dueAt: 0, error: null });
  }
  async claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const due = this.rows
      .filter((r) => r.status === 'queued' && r.dueAt <= options.now)
      .slice(0, options.limit);
    for (const row of due) row.status = 'sending';
    return due.map((r) => ({ ...r.delivery, attempts: r.attempts }));
  }
  async recordOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    for (const outcome of outcomes) {
      const row = this.rows.find((r) => r.delivery.id === outcome.id);
      if (!row) continue;
      row.attempts++;
      row.status = outcome.kind === 'retry' ? 'queued' : outcome.kind;
      if (outcome.kind !== 'delivered') row.error = outcome.error;
      if (outcome.kind === 'retry') row.dueAt = outcome.nextAttemptAt;
    }
  }
  async releaseExpiredLeases(): Promise<number> {
    return 0;
  }
  async releaseUntried(): Promise<void> {}
}

const delivery: ClaimedDelivery = {
  id: 9,
  event: 'mo',
  payload: '{}',
  attempts: 0,
  url: 'https://hooks.example.com/in',
  secret: 'whsec_test',
};
const policy = { maxAttempts: 3, retryBaseMs: 1_000 };

describe('webhook delivery outcomes', () => {
  it('records a 2xx as delivered and 410 Gone as failed at once', () => {
    assert.deepEqual(deliveryOutcome(delivery, { kind: 'answered', status: 204 }, policy, 0), {
      kind: 'delivered',
      id: 9,
      httpStatus: 204,
    });
    assert.deepEqual(deliveryOutcome(delivery, { kind: 'answered', status: 410 }, policy, 0), {
      kind: 'failed',
      id: 9,
      error: 'HTTP 410 Gone',
      httpStatus: 410,
    });
  });

  it('retries with a growing backoff, then fails after the last attempt', () => {
    const first = deliveryOutcome(delivery, { kind: 'answered', status: 503 }, policy, 10_000);
    assert.equal(first.kind, 'retry');
    assert.ok(first.kind === 'retry' && first.nextAttemptAt >= 10_800 && first.nextAttemptAt <= 11_200);
    const second = deliveryOutcome(
      { ...delivery, attempts: 1 },
      { kind: 'error', error: 'timeout' },
      policy,
      10_000,
    );
    assert.ok(second.kind === 'retry' && second.nextAttemptAt >= 11_600 && second.nextAttemptAt <= 12_400);
    assert.deepEqual(
      deliveryOutcome({ ...delivery, attempts: 2 }, { kind: 'answered', status: 503 }, policy, 0),
      {
        kind: 'failed',
        id: 9,
        error: 'HTTP 503 (after 3 attempts)',
        httpStatus: 503,
      },
    );
  });

  it('fails a delivery to a private address without posting', () => {
    assert.deepEqual(deliveryOutcome(delivery, { kind: 'private' }, policy, 0), {
      kind: 'failed',
      id: 9,
      error: 'the URL resolves to a private address',
      httpStatus: null,
    });
  });
});

describe('the webhook delivery service', () => {
  it('posts signed deliveries, retries a failing receiver, then gives up', async () => {
    const queue = new MemoryDeliveryQueue();
    queue.add(1);
    const posts: WebhookPost[] = [];
    let clock = 1_000_000;
    const service = new WebhookDeliveryService({
      queue,
      poster: {
        resolvesPrivate: async () => false,
        post: async (request) => {
          posts.push(request);
          return 500;
        },
      },
      log: pino({ level: 'silent' }),
      now: () => clock,
      settings: { allowPrivate: false, maxAttempts: 3, retryBaseMs: 10 },
    });
    while (await service.deliverDue()) clock += 1_000;
    assert.equal(await service.deliverDue(), false);
    assert.deepEqual(
      queue.rows.map((r) => [r.status, r.attempts, r.error]),
      [['failed', 3, 'HTTP 500 (after 3 attempts)']],
    );
    assert.equal(posts.length, 3);
    assert.equal(posts[0]?.headers['x-vudumobile-delivery'], '1');
    assert.match(posts[0]?.headers['x-vudumobile-signature'] ?? '', /^sha256=[0-9a-f]{64}$/);
  });
});
