import { retryDelayMs } from '../common/backoff.js';
import { TransportError, type CallResult } from '../ports/transports.js';
import type { CallAttempt, CallOutcome, ClaimedCall } from '../ports/verification-store.js';

/** Attempts at placing a call the telephony could not even try (no trunk) before it fails for good. */
export const MAX_CALL_ATTEMPTS = 5;

/** How busy and unanswered calls are tried again (VERIFY_CALL_RETRIES, VERIFY_CALL_RETRY_DELAY_MS). */
export interface CallRetrySettings {
  /** Calls placed again after a busy line or no answer (0: none). */
  readonly retries: number;
  /** How long after a busy line or no answer the next call is placed. */
  readonly retryDelayMs: number;
}

/** The attempt as stored and shown, from what the transport answered. */
export function attemptOf(result: CallResult): CallAttempt {
  return {
    callId: result.callId,
    outcome: result.outcome,
    sipCode: result.sipCode ?? null,
    durationMs: result.durationMs,
  };
}

/** Why a call ended, for logs and get_verification: `busy (SIP 486 Busy Here)`. */
export function describeCall(result: CallResult): string {
  const sip = result.sipCode ? ` (SIP ${result.sipCode}${result.reason ? ` ${result.reason}` : ''})` : '';
  return `${result.outcome.replace('_', ' ')}${sip || (result.reason ? ` (${result.reason})` : '')}`;
}

/**
 * What a call that ended means for its verification: answered is done; a busy line or no answer is
 * called again after the retry delay while retries remain, then settles as `busy` / `no_answer`;
 * any other final answer (404, 503, 603…) settles as `failed` with its SIP code — the number or
 * the trunk refused, and calling again a minute later would annoy more than it would reach.
 */
export function settleEndedCall(
  call: ClaimedCall,
  result: CallResult,
  now: number,
  settings: CallRetrySettings,
): CallOutcome {
  const attempt = attemptOf(result);
  if (result.outcome === 'answered') return { kind: 'final', status: 'answered', attempt, error: null };
  const error = describeCall(result);
  const retriable = result.outcome === 'busy' || result.outcome === 'no_answer';
  // Counted apart from the attempts the telephony could not place: those reached nobody.
  if (retriable && call.calls_unanswered < settings.retries)
    return { kind: 'retry', attempt, error, nextAttemptAt: now + settings.retryDelayMs };
  return { kind: 'final', status: result.outcome, attempt, error };
}

/**
 * What a call that could not be tried means (placeCall threw): `failed` when the telephony refused
 * it for good or the attempts are spent, else queued again after a backoff.
 */
export function callFailureOutcome(call: ClaimedCall, error: unknown, now: number): CallOutcome {
  const text = error instanceof Error ? error.message : String(error);
  const attempt = call.attempts + 1;
  if ((error instanceof TransportError && !error.retryable) || attempt >= MAX_CALL_ATTEMPTS)
    return { kind: 'final', status: 'failed', error: text };
  return { kind: 'retry', error: text, nextAttemptAt: now + retryDelayMs(attempt) };
}
