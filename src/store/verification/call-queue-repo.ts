import type { Kysely } from 'kysely';
import type { CallOutcome, ClaimedCall } from '../../domain/ports/verification-store.js';
import type { Store } from '../database.js';
import {
  CALL_QUEUE,
  claimValues,
  dueIds,
  releaseExpiredLeases,
  type ClaimOptions,
} from '../queue/leased-queue.js';
import type { Database } from '../schema.js';

/** An answered call: out of the leased queue for good (releaseExpiredLeases never sees it). */
export const IN_CALL = 'in_call';
/** The statuses under which a caller holds a call: claimed (ringing), or answered and playing. */
const HELD = [CALL_QUEUE.holding, IN_CALL];

/** Claims due calls under a lease, oldest first (CALL_QUEUE). */
export function claimDueCalls(store: Store, options: ClaimOptions): Promise<ClaimedCall[]> {
  const { db, dialect } = store;
  return db
    .updateTable('verifications')
    .set(claimValues(CALL_QUEUE, options))
    .where('id', 'in', dueIds(db, dialect, CALL_QUEUE, options))
    .returning([
      'id',
      'account_id',
      'to_number',
      'language',
      'code',
      'attempts',
      'calls_unanswered',
      'expires_at',
      'verified_at',
    ])
    .execute();
}

export async function renewCallLease(
  db: Kysely<Database>,
  id: number,
  lease: { readonly from: number; readonly to: number },
): Promise<boolean> {
  const result = await db
    .updateTable('verifications')
    .set({ lease_until: lease.to })
    .where('id', '=', id)
    .where('status', 'in', HELD)
    .where('lease_until', '=', lease.from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markCallAnswered(
  db: Kysely<Database>,
  id: number,
  callId: string,
  at: number,
  lease: number,
): Promise<boolean> {
  const result = await db
    .updateTable('verifications')
    .set({ status: IN_CALL, answered_at: at, call_id: callId, call_outcome: 'answered' })
    .where('id', '=', id)
    .where('status', '=', CALL_QUEUE.holding)
    .where('lease_until', '=', lease)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Settles a call this caller still holds. A retry goes back to the queue only from `calling`: an
 * answered call (`in_call`) is never queued again, whatever the caller says.
 */
export async function recordCall(
  db: Kysely<Database>,
  id: number,
  outcome: CallOutcome,
  lease: number,
): Promise<void> {
  const attempt = outcome.attempt
    ? {
        call_id: outcome.attempt.callId,
        call_outcome: outcome.attempt.outcome,
        sip_code: outcome.attempt.sipCode,
        call_duration_ms: outcome.attempt.durationMs,
      }
    : {};
  const unanswered = outcome.attempt?.outcome === 'busy' || outcome.attempt?.outcome === 'no_answer';
  const settled =
    outcome.kind === 'final'
      ? { status: outcome.status, error: outcome.error }
      : { status: CALL_QUEUE.waiting, error: outcome.error, next_attempt_at: outcome.nextAttemptAt };
  await db
    .updateTable('verifications')
    .set((eb) => ({
      ...attempt,
      ...settled,
      lease_until: null,
      attempts: eb('attempts', '+', 1),
      calls_unanswered: eb('calls_unanswered', '+', unanswered ? 1 : 0),
    }))
    .where('id', '=', id)
    .where('status', 'in', outcome.kind === 'final' ? HELD : [CALL_QUEUE.holding])
    .where('lease_until', '=', lease)
    .execute();
}

/**
 * What a stopped caller left: claimed calls go back to the queue (nobody answered them yet);
 * answered ones are settled as `answered` — the number was reached, a second call would ring a
 * person who already heard the code (or part of it). Returns how many rows moved.
 */
export async function releaseExpiredCalls(db: Kysely<Database>, now: number): Promise<number> {
  const released = await releaseExpiredLeases(db, CALL_QUEUE, now);
  const settled = await db
    .updateTable('verifications')
    .set((eb) => ({
      status: 'answered',
      lease_until: null,
      attempts: eb('attempts', '+', 1),
      error: 'the caller stopped during the call',
    }))
    .where('status', '=', IN_CALL)
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return released + Number(settled.numUpdatedRows);
}
