import { csvLine, csvTime } from '../common/csv-cell.js';
import { normalisePhone } from '../common/phone.js';
import type { AccountScope } from '../contacts/contacts.js';
import { contactKeyRequired } from '../errors.js';
import type {
  ConsentEntry,
  ConsentLogStore,
  ConsentRecord,
  ConsentRecorder,
  ConsentSubject,
  ConsentType,
} from '../ports/consent-log.js';
import type { StoreTransaction } from '../ports/transaction.js';
import { parsePageLimit } from '../common/page-limit.js';
import {
  consentEntries,
  describeEvidence,
  parseConsentEvidence,
  parseConsentType,
  type ConsentOrigin,
} from './consent.js';

/** post_contact's consent parameters (extensions). */
export interface ContactConsentParams {
  readonly consent_type?: string;
  readonly consent_evidence?: string;
}

/** What a request said about the consent of the addresses it adds, checked before the contact is written. */
export interface ContactConsent {
  /** undefined: the account's default type. */
  readonly type: ConsentType | undefined;
  readonly evidence: string;
}

export const CONSENT_LIMIT_DEFAULT = 100;
export const CONSENT_LIMIT_MAX = 1000;
const EXPORT_PAGE = 1000;

/**
 * The CASL consent log of an account: what every path that adds a contact, or a number or an email to
 * one, writes (post_contact, the web form, an import — through `record` in its batch), what get_consent reads and the CSV export
 * streams. Also the `ConsentRecorder` the keyword paths write through, inside their transaction.
 */
export class ConsentService implements ConsentRecorder {
  constructor(
    private readonly store: ConsentLogStore,
    private readonly now: () => number,
  ) {}

  record(entries: readonly ConsentEntry[], tx?: StoreTransaction): Promise<void> {
    return this.store.record(entries, tx);
  }

  /** Reads post_contact's consent_type and consent_evidence (refused before anything is written). */
  parseContactConsent(params: ContactConsentParams): ContactConsent {
    const raw = params.consent_type?.trim() ?? '';
    return {
      type: raw === '' ? undefined : parseConsentType(raw),
      evidence: parseConsentEvidence(params.consent_evidence),
    };
  }

  /**
   * A contact was added, or a number or an email set on one that did not have it: each address (null:
   * none) is granted consent of the requested type.
   */
  async addressesAdded(
    accountId: number,
    contact: { readonly number: string | null; readonly email: string | null },
    consent: ContactConsent,
    origin: ConsentOrigin,
    /** The contact's insert or update: the entries commit with it, or not at all. */
    tx?: StoreTransaction,
  ): Promise<void> {
    const type = consent.type ?? (await this.store.defaultType(accountId));
    const entries = consentEntries(accountId, contact, {
      action: 'granted',
      type,
      at: this.now(),
      source: origin.source,
      evidence: describeEvidence(origin.evidence, consent.evidence),
    });
    if (entries.length > 0) await this.store.record(entries, tx);
  }

  /** get_consent: a number's or an email's entries, newest first. */
  entriesOf(
    scope: AccountScope,
    params: { readonly number?: string; readonly email?: string; readonly limit?: string },
  ): Promise<ConsentRecord[]> {
    const limit = parsePageLimit(params.limit, CONSENT_LIMIT_DEFAULT, CONSENT_LIMIT_MAX);
    const number = params.number?.trim() ?? '';
    const email = params.email?.trim().toLowerCase() ?? '';
    let subject: ConsentSubject;
    if (number !== '') subject = { number: normalisePhone(number, scope.defaultCountry) ?? number };
    else if (email !== '') subject = { email };
    else throw contactKeyRequired();
    return this.store.entriesOf(scope.id, subject, limit);
  }

  defaultType(accountId: number): Promise<ConsentType> {
    return this.store.defaultType(accountId);
  }

  setDefaultType(accountId: number, raw: string): Promise<void> {
    return this.store.setDefaultType(accountId, parseConsentType(raw));
  }

  /** The account's whole log as CSV, a page at a time (a log of millions never sits in memory). */
  async *exportCsv(accountId: number): AsyncGenerator<string> {
    yield csvLine(CONSENT_CSV_HEADER);
    for (let afterId = 0; ;) {
      const page = await this.store.page(accountId, afterId, EXPORT_PAGE);
      if (page.length > 0) yield page.map(consentCsvRow).join('');
      const last = page[page.length - 1];
      if (!last || page.length < EXPORT_PAGE) return;
      afterId = last.id;
    }
  }
}

export const CONSENT_CSV_HEADER = [
  'id',
  'number',
  'email',
  'action',
  'type',
  'source',
  'evidence',
  'at',
  'expires_at',
] as const;

function consentCsvRow(r: ConsentRecord): string {
  return csvLine([
    String(r.id),
    r.number ?? '',
    r.email ?? '',
    r.action,
    r.type,
    r.source,
    r.evidence,
    csvTime(r.at),
    csvTime(r.expiresAt),
  ]);
}
