import { formatUtc } from '../../domain/common/dates.js';
import type { StoredVerification } from '../../domain/ports/verification-store.js';
import type { VerificationState } from '../../domain/verification/verification-service.js';

/**
 * get_verification's object, fields in the documented order (docs/api.md). The code is never
 * shown: a client that let the platform choose it must not be able to read it back.
 */
export function presentVerification(row: StoredVerification & { state: VerificationState }): object {
  const called = row.channel === 'voice';
  return {
    request_id: row.requestId,
    to: row.to,
    channel: row.channel,
    language: row.language,
    status: row.state,
    delivery_status: row.deliveryStatus,
    check_attempts: row.checkAttempts,
    call: called
      ? {
          attempts: row.callAttempts,
          outcome: row.callOutcome,
          sip_code: row.sipCode,
          duration_ms: row.callDurationMs,
          answered_at: row.answeredAt === null ? null : formatUtc(row.answeredAt),
          error: row.error,
        }
      : null,
    created_at: formatUtc(row.createdAt),
    expires_at: formatUtc(row.expiresAt),
    verified_at: row.verifiedAt === null ? null : formatUtc(row.verifiedAt),
  };
}
