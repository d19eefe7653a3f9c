import type { Logger } from 'pino';
import type { VerificationService } from '../domain/verification/verification-service.js';
import { PollingWorker } from './polling-worker.js';

/**
 * The verification caller: a loop over VerificationService.placeDueCall, placing the voice calls of
 * verification codes — those sent straight to voice (landlines) and those whose SMS failed. Again at
 * once after a call, after `pollMs` when none was due, sooner when wake() says one was queued.
 */
export function createVerificationCaller(
  verification: VerificationService,
  log: Logger,
  pollMs = 1_000,
): PollingWorker {
  return new PollingWorker('verification-caller', log, () => verification.placeDueCall(), pollMs);
}
