import type { EmailDeliveryService } from '../domain/emails/email-delivery.js';
import type { Logger } from 'pino';
import { PollingWorker } from './polling-worker.js';

/**
 * The email dispatcher: a loop over EmailDeliveryService.deliverDue — again at once after a batch,
 * after `pollMs` when nothing was due, sooner when wake() says an email was queued in this process.
 */
export function createEmailDispatcher(
  delivery: EmailDeliveryService,
  log: Logger,
  pollMs = 1_000,
): PollingWorker {
  return new PollingWorker('email-dispatcher', log, (stopping) => delivery.deliverDue(stopping), pollMs);
}
