import { consentEvidenceTooLong, invalidConsentType } from '../errors.js';
import type { ConsentAction, ConsentEntry, ConsentSource, ConsentType } from '../ports/consent-log.js';

/**
 * The CASL rules of the consent log. Implied consent (an existing business relationship) lapses two
 * years after it was acquired (CASL s. 10(10)); express consent does not lapse, only a withdrawal
 * ends it. A contact's number and its email are separate subjects: each gets its own entry.
 */
export const IMPLIED_CONSENT_MS = 2 * 365 * 24 * 3600 * 1000;
export const MAX_CONSENT_EVIDENCE = 500;

export function parseConsentType(raw: string): ConsentType {
  const lower = raw.trim().toLowerCase();
  if (lower !== 'express' && lower !== 'implied') throw invalidConsentType();
  return lower;
}

/** The client's own evidence text (post_contact's consent_evidence), trimmed and bounded. */
export function parseConsentEvidence(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  if (text.length > MAX_CONSENT_EVIDENCE) throw consentEvidenceTooLong(MAX_CONSENT_EVIDENCE);
  return text;
}

export function consentExpiry(type: ConsentType, at: number): number | null {
  return type === 'implied' ? at + IMPLIED_CONSENT_MS : null;
}

/** How a change of consent reached the account, and what proves it. */
export interface ConsentOrigin {
  readonly source: ConsentSource;
  readonly evidence: string;
}

/** The entries of one change for a number and/or an email (one each). */
export function consentEntries(
  accountId: number,
  subject: { readonly number: string | null; readonly email: string | null },
  change: { readonly action: ConsentAction; readonly type: ConsentType; readonly at: number } & ConsentOrigin,
): ConsentEntry[] {
  const base = {
    accountId,
    action: change.action,
    type: change.type,
    source: change.source,
    evidence: change.evidence,
    at: change.at,
    // A withdrawal ends consent: it has nothing to expire.
    expiresAt: change.action === 'granted' ? consentExpiry(change.type, change.at) : null,
  };
  const entries: ConsentEntry[] = [];
  if (subject.number !== null) entries.push({ ...base, number: subject.number, email: null });
  if (subject.email !== null) entries.push({ ...base, number: null, email: subject.email });
  return entries;
}

/** Joins what the platform knows of a source with the client's evidence text, if any. */
export function describeEvidence(platform: string, client: string): string {
  return client === '' ? platform : `${platform}: ${client}`;
}
