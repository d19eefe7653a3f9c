import type { Logger } from 'pino';
import type { WebhookDeliveryService } from '../domain/webhooks/webhook-delivery.js';
import { PollingWorker } from './polling-worker.js';

/**
 * The webhook sender: a loop over WebhookDeliveryService.deliverDue — again at once after a batch,
 * after a second when nothing was due, sooner when wake() says deliveries were queued.
 */
export function createWebhookSender(
  delivery: WebhookDeliveryService,
  log: Logger,
  pollMs = 1_000,
): PollingWorker {
  return new PollingWorker('webhook-sender', log, () => delivery.deliverDue(), pollMs);
}
