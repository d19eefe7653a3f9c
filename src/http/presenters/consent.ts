import { formatUtc } from '../../domain/common/dates.js';
import type { ConsentRecord } from '../../domain/ports/consent-log.js';
import type { SuppressedNumber, SuppressionHistoryRow } from '../../domain/ports/suppression-store.js';

/** The JSON shapes of the CASL extensions: dates as the contract writes them (UTC `YYYY-MM-DD HH:MM:SS`). */

export function presentConsent(entry: ConsentRecord): Record<string, unknown> {
  return {
    id: entry.id,
    number: entry.number ?? '',
    email: entry.email ?? '',
    action: entry.action,
    consent_type: entry.type,
    source: entry.source,
    evidence: entry.evidence,
    created_at: formatUtc(entry.at),
    expires_at: entry.expiresAt === null ? '' : formatUtc(entry.expiresAt),
  };
}

export function presentSuppression(suppression: SuppressedNumber): Record<string, unknown> {
  return {
    number: suppression.number,
    reason: suppression.reason,
    created_at: formatUtc(suppression.since),
  };
}

export function presentSuppressionChange(change: SuppressionHistoryRow): Record<string, unknown> {
  return {
    id: change.id,
    action: change.action,
    source: change.source,
    actor: change.actor,
    reason: change.reason,
    created_at: formatUtc(change.at),
  };
}
