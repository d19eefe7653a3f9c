import { retryDelayMs } from '../common/backoff.js';
import { ExpiredLeaseSweep } from '../common/lease-sweep.js';
import type { Logger } from '../ports/logger.js';
import type { WebhookPoster } from '../ports/webhook-poster.js';
import type { ClaimedDelivery, DeliveryOutcome, WebhookDeliveryQueue } from '../ports/webhook-store.js';
import { signWebhook } from './webhooks.js';

export interface WebhookDeliverySettings {
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

export interface WebhookDeliveryDeps {
  readonly queue: WebhookDeliveryQueue;
  readonly poster: WebhookPoster;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: WebhookDeliverySettings;
}

const USER_AGENT = 'VuduMobile-Webhooks/1';
const RETRY_CAP_MS = 3_600_000;

/** What one attempt came to: the receiver's HTTP status, or the reason no answer came. */
export type DeliveryAttempt =
  | { readonly kind: 'answered'; readonly status: number }
  | { readonly kind: 'private' }
  | { readonly kind: 'error'; readonly error: string };

/**
 * What an attempt means for a delivery: `delivered` on a 2xx; `failed` on 410 Gone, on a private
 * address, or after the last attempt; else back to the queue with exponential backoff
 * (`retryBaseMs` doubling up to an hour, ±20 %).
 */
export function deliveryOutcome(
  delivery: ClaimedDelivery,
  attempt: DeliveryAttempt,
  policy: { readonly maxAttempts: number; readonly retryBaseMs: number },
  now: number,
): DeliveryOutcome {
  const { id } = delivery;
  const httpStatus = attempt.kind === 'answered' ? attempt.status : null;
  if (attempt.kind === 'private')
    return { kind: 'failed', id, error: 'the URL resolves to a private address', httpStatus };
  if (attempt.kind === 'answered' && attempt.status >= 200 && attempt.status < 300)
    return { kind: 'delivered', id, httpStatus: attempt.status };
  if (attempt.kind === 'answered' && attempt.status === 410)
    return { kind: 'failed', id, error: 'HTTP 410 Gone', httpStatus };
  const error = attempt.kind === 'answered' ? `HTTP ${attempt.status}` : attempt.error;
  const attempts = delivery.attempts + 1;
  if (attempts >= policy.maxAttempts)
    return { kind: 'failed', id, error: `${error} (after ${attempts} attempts)`, httpStatus };
  return {
    kind: 'retry',
    id,
    error,
    nextAttemptAt: now + retryDelayMs(attempts, policy.retryBaseMs, RETRY_CAP_MS),
    httpStatus,
  };
}

/**
 * Posts queued webhook deliveries: claims a batch under a lease, POSTs each (signed, 10 s timeout,
 * no redirects followed) a few at a time, then records the outcomes (deliveryOutcome). At least
 * once: a worker that dies mid-POST leaves its lease to expire and the delivery is posted again, so
 * receivers dedupe on X-VuduMobile-Delivery.
 */
export class WebhookDeliveryService {
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly policy: { readonly maxAttempts: number; readonly retryBaseMs: number };
  private readonly sweep: ExpiredLeaseSweep;

  constructor(private readonly deps: WebhookDeliveryDeps) {
    const { settings } = deps;
    this.timeoutMs = settings.timeoutMs ?? 10_000;
    this.batchSize = settings.batchSize ?? 100;
    this.concurrency = settings.concurrency ?? 16;
    // Long enough for every round of POSTs of a batch to time out, with a margin for DNS and writes.
    this.leaseMs =
      settings.leaseMs ?? this.timeoutMs * (Math.ceil(this.batchSize / this.concurrency) + 1) + 30_000;
    this.policy = { maxAttempts: settings.maxAttempts ?? 10, retryBaseMs: settings.retryBaseMs ?? 5_000 };
    this.sweep = new ExpiredLeaseSweep(deps.queue, this.leaseMs, (released) =>
      deps.log.warn({ released }, 'webhooks: expired leases put back in the queue'),
    );
  }

  /** Claims the due deliveries and posts them; false when none was due. */
  async deliverDue(): Promise<boolean> {
    const { queue, now, log } = this.deps;
    const start = now();
    await this.sweep.sweep(start);
    const lease = start + this.leaseMs;
    const batch = await queue.claimDue({ now: start, leaseUntil: lease, limit: this.batchSize });
    if (batch.length === 0) return false;
    const outcomes: DeliveryOutcome[] = [];
    const unstarted: number[] = [];
    // No POST starts unless it can time out well within the lease: past that, another worker may
    // have taken the delivery back, and it goes back to the queue untried instead.
    const lastStart = lease - Math.min(this.timeoutMs + 10_000, this.leaseMs / 2);
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let item = batch[next++]; item; item = batch[next++]) {
        if (now() > lastStart) unstarted.push(item.id);
        else outcomes.push(deliveryOutcome(item, await this.attempt(item), this.policy, now()));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batch.length) }, lane));
    await queue.recordOutcomes(outcomes, lease, now());
    await queue.releaseUntried(unstarted, lease);
    for (const o of outcomes)
      if (o.kind !== 'delivered')
        log.warn({ delivery: o.id, outcome: o.kind, error: o.error }, 'webhook not delivered');
    return true;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<DeliveryAttempt> {
    const { poster, now } = this.deps;
    try {
      const url = new URL(delivery.url);
      if (!this.deps.settings.allowPrivate && (await poster.resolvesPrivate(url.hostname)))
        return { kind: 'private' };
      const timestamp = Math.floor(now() / 1000);
      const status = await poster.post(
        {
          url,
          headers: {
            'content-type': 'application/json',
            'user-agent': USER_AGENT,
            'x-vudumobile-event': delivery.event,
            'x-vudumobile-delivery': String(delivery.id),
            'x-vudumobile-timestamp': String(timestamp),
            'x-vudumobile-signature': signWebhook(delivery.secret, timestamp, delivery.payload),
          },
          body: delivery.payload,
        },
        this.timeoutMs,
      );
      return { kind: 'answered', status };
    } catch (error) {
      return { kind: 'error', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
