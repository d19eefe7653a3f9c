import type { Logger } from '../domain/ports/logger.js';
import type { VerificationCalls } from '../domain/verification/verification-calls.js';
import { PollingWorker } from './polling-worker.js';
import type { Worker } from './worker.js';

/**
 * The verification caller: a loop over VerificationCalls.placeDueCalls, placing the voice calls of
 * verification codes — those sent straight to voice (landlines) and those whose SMS failed — up to
 * the calls' capacity at once. It looks again at once after starting calls, when a call ends (a
 * place is free), when wake() says one was queued, and otherwise every `pollMs`. stop() ends the
 * loop, then waits for the calls in progress to end and be recorded: a call is not cut short.
 */
export class VerificationCaller implements Worker {
  readonly name = 'verification-caller';
  private readonly loop: PollingWorker;

  constructor(
    private readonly calls: VerificationCalls,
    log: Logger,
    pollMs = 1_000,
  ) {
    this.loop = new PollingWorker(this.name, log, () => calls.placeDueCalls(), pollMs);
    calls.onCallEnded = () => this.loop.wake();
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.calls.drain();
  }
}

export function createVerificationCaller(
  calls: VerificationCalls,
  log: Logger,
  pollMs = 1_000,
): VerificationCaller {
  return new VerificationCaller(calls, log, pollMs);
}
