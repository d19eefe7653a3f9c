import { lookup } from 'node:dns/promises';
import type { Logger } from 'pino';
import { retryDelayMs } from '../domain/common/backoff.js';
import { isPrivateAddress, signWebhook } from '../domain/webhooks/webhooks.js';
import type { Store } from '../store/database.js';
import {
  claimDueDeliveries,
  recordDeliveryOutcomes,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from '../store/webhooks/webhooks-repo.js';
import { releaseExpiredLeases, releaseUntried, WEBHOOK_QUEUE } from '../store/queue/leased-queue.js';
import { PollingWorker } from './polling-worker.js';

export interface WebhookSenderSettings {
  /** Allow URLs on loopback and private networks (tests, an on-premises receiver). */
  readonly allowPrivate: boolean;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** First retry delay (doubling up to an hour); tests shorten it. */
  readonly retryBaseMs?: number;
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly concurrency?: number;
}

const USER_AGENT = 'VuduMobile-Webhooks/1';

/**
 * Posts queued webhook deliveries: claims a batch under a lease, POSTs each (signed, 10 s timeout,
 * no redirects followed), then records it `delivered` on a 2xx, `failed` on 410 Gone or after the
 * last attempt, else back to the queue with exponential backoff (5 s … 1 h, ±20 %). At least once:
 * a worker that dies mid-POST leaves its lease to expire and the delivery is posted again, so
 * receivers dedupe on X-VuduMobile-Delivery.
 */
export function createWebhookSender(
  store: Store,
  log: Logger,
  now: () => number,
  settings: WebhookSenderSettings,
): PollingWorker {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const batchSize = settings.batchSize ?? 100;
  const concurrency = settings.concurrency ?? 16;
  // Long enough for every round of POSTs of a batch to time out, with a margin for DNS and writes.
  const leaseMs = settings.leaseMs ?? timeoutMs * (Math.ceil(batchSize / concurrency) + 1) + 30_000;
  const maxAttempts = settings.maxAttempts ?? 10;
  let nextSweep = 0;

  async function post(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    const attempt = delivery.attempts + 1;
    const retry = (error: string): DeliveryOutcome =>
      attempt >= maxAttempts
        ? { kind: 'failed', id: delivery.id, error: `${error} (after ${attempt} attempts)` }
        : {
            kind: 'retry',
            id: delivery.id,
            error,
            nextAttemptAt: now() + retryDelayMs(attempt, settings.retryBaseMs ?? 5_000, 3_600_000),
          };
    try {
      const url = new URL(delivery.url);
      if (!settings.allowPrivate && (await resolvesPrivate(url.hostname)))
        return { kind: 'failed', id: delivery.id, error: 'the URL resolves to a private address' };
      const timestamp = Math.floor(now() / 1000);
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'x-vudumobile-event': delivery.event,
          'x-vudumobile-delivery': String(delivery.id),
          'x-vudumobile-timestamp': String(timestamp),
          'x-vudumobile-signature': signWebhook(delivery.secret, timestamp, delivery.payload),
        },
        body: delivery.payload,
      });
      await response.body?.cancel();
      if (response.ok) return { kind: 'delivered', id: delivery.id };
      if (response.status === 410) return { kind: 'failed', id: delivery.id, error: 'HTTP 410 Gone' };
      return retry(`HTTP ${response.status}`);
    } catch (error) {
      return retry(error instanceof Error ? error.message : String(error));
    }
  }

  async function tick(): Promise<boolean> {
    const start = now();
    if (start >= nextSweep) {
      const released = await releaseExpiredLeases(store.db, WEBHOOK_QUEUE, start);
      if (released > 0) log.warn({ released }, 'webhooks: expired leases put back in the queue');
      nextSweep = start + Math.floor(leaseMs / 4);
    }
    const lease = start + leaseMs;
    const batch = await claimDueDeliveries(store.db, store.dialect, {
      now: start,
      leaseUntil: lease,
      limit: batchSize,
    });
    if (batch.length === 0) return false;
    const outcomes: DeliveryOutcome[] = [];
    const unstarted: number[] = [];
    // No POST starts unless it can time out well within the lease: past that, another worker may
    // have taken the delivery back, and it goes back to the queue untried instead.
    const lastStart = lease - Math.min(timeoutMs + 10_000, leaseMs / 2);
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let item = batch[next++]; item; item = batch[next++]) {
        if (now() > lastStart) unstarted.push(item.id);
        else outcomes.push(await post(item));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));
    await recordDeliveryOutcomes(store.db, outcomes, lease, now());
    await releaseUntried(store.db, WEBHOOK_QUEUE, unstarted, lease);
    for (const o of outcomes)
      if (o.kind !== 'delivered')
        log.warn({ delivery: o.id, outcome: o.kind, error: o.error }, 'webhook not delivered');
    return true;
  }

  return new PollingWorker('webhook-sender', log, tick, 1_000);
}

async function resolvesPrivate(hostname: string): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = await lookup(host, { all: true });
  return addresses.some((a) => isPrivateAddress(a.address));
}
