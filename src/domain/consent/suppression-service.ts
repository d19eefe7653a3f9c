import { csvLine, csvTime } from '../common/csv-cell.js';
import { parsePageLimit } from '../common/page-limit.js';
import { normalisePhone } from '../common/phone.js';
import type { AccountScope } from '../contacts/contacts.js';
import {
  invalidPhoneNumber,
  missingParameter,
  numberAlreadySuppressed,
  numberNotSuppressed,
  suppressionReasonRequired,
} from '../errors.js';
import type { ConsentRecorder } from '../ports/consent-log.js';
import type {
  SuppressedNumber,
  SuppressionHistoryRow,
  SuppressionStore,
} from '../ports/suppression-store.js';
import { consentEntries } from './consent.js';

export const SUPPRESSION_LIMIT_DEFAULT = 100;
export const SUPPRESSION_LIMIT_MAX = 1000;
export const MAX_SUPPRESSION_REASON = 500;
const HISTORY_LIMIT = 100;
const EXPORT_PAGE = 1000;

/** One page of the list and the cursor of the next (absent on the last page). */
export interface SuppressionPage {
  readonly suppressions: readonly SuppressedNumber[];
  readonly next: string | undefined;
}

/** Who acts on the list by hand: a user of the web platform, the CLI's operator, or an API key. */
export type SuppressionOperator = string;

/**
 * The suppression list as an operator sees it (CASL, issue #15): paged in number order, exported as
 * CSV, a number added or lifted by hand with a reason. Keywords (STOP/START) and carrier receipts
 * change the list in their own transactions (the store writes their history rows there); every path
 * leaves a history row. Adding by hand also records a withdrawal of consent, since it usually means
 * "this person asked us to stop"; lifting records no consent: consent is proved by the log's grants.
 */
export class SuppressionService {
  constructor(
    private readonly store: SuppressionStore,
    private readonly consent: ConsentRecorder,
    private readonly now: () => number,
  ) {}

  /** get_suppressions: `limit` (default 100, at most 1000) numbers after the `after` cursor. */
  async list(
    accountId: number,
    params: { readonly limit?: string; readonly after?: string },
  ): Promise<SuppressionPage> {
    const limit = parsePageLimit(params.limit, SUPPRESSION_LIMIT_DEFAULT, SUPPRESSION_LIMIT_MAX);
    const rows = await this.store.list(accountId, params.after?.trim() ?? '', limit + 1);
    const page = rows.slice(0, limit);
    return { suppressions: page, next: rows.length > limit ? page[page.length - 1]?.number : undefined };
  }

  /** A number's current state (undefined when not suppressed) and its history, newest first. */
  async status(
    scope: AccountScope,
    rawNumber: string | undefined,
  ): Promise<{ current: SuppressedNumber | undefined; history: SuppressionHistoryRow[] }> {
    const number = this.parseNumber(scope, rawNumber);
    return {
      current: await this.store.find(scope.id, number),
      history: await this.store.historyOf(scope.id, number, HISTORY_LIMIT),
    };
  }

  /** post_suppression: adds a number by hand, with the operator's reason. */
  async add(
    scope: AccountScope,
    params: { readonly number?: string; readonly reason?: string },
    actor: SuppressionOperator,
  ): Promise<SuppressedNumber> {
    const number = this.parseNumber(scope, params.number);
    const reason = parseReason(params.reason);
    const at = this.now();
    const change = { accountId: scope.id, number, source: 'operator', actor, reason, at } as const;
    if (!(await this.store.suppress({ ...change, action: 'suppressed' }))) throw numberAlreadySuppressed();
    await this.consent.record(
      consentEntries(
        scope.id,
        { number, email: null },
        {
          action: 'withdrawn',
          type: 'express',
          at,
          source: 'operator',
          evidence: `suppressed by ${actor}: ${reason}`,
        },
      ),
    );
    return { number, reason, since: at };
  }

  /** delete_suppression: lifts a number, whatever put it there; the reason is required. Returns it. */
  async lift(
    scope: AccountScope,
    params: { readonly number?: string; readonly reason?: string },
    actor: SuppressionOperator,
  ): Promise<string> {
    const number = this.parseNumber(scope, params.number);
    const reason = parseReason(params.reason);
    const change = {
      accountId: scope.id,
      number,
      source: 'operator',
      actor,
      reason,
      at: this.now(),
    } as const;
    if (!(await this.store.lift({ ...change, action: 'lifted' }))) throw numberNotSuppressed();
    return number;
  }

  /** The account's list as CSV, with each number's reason and date, a page at a time. */
  async *exportCsv(accountId: number): AsyncGenerator<string> {
    yield csvLine(['number', 'reason', 'since']);
    for (let after = ''; ;) {
      const page = await this.store.list(accountId, after, EXPORT_PAGE);
      if (page.length > 0) yield page.map((s) => csvLine([s.number, s.reason, csvTime(s.since)])).join('');
      const last = page[page.length - 1];
      if (!last || page.length < EXPORT_PAGE) return;
      after = last.number;
    }
  }

  private parseNumber(scope: AccountScope, raw: string | undefined): string {
    const text = raw?.trim() ?? '';
    if (text === '') throw missingParameter('number');
    const number = normalisePhone(text, scope.defaultCountry);
    if (!number) throw invalidPhoneNumber('number');
    return number;
  }
}

function parseReason(raw: string | undefined): string {
  const reason = raw?.trim() ?? '';
  if (reason === '') throw suppressionReasonRequired();
  return reason.slice(0, MAX_SUPPRESSION_REASON);
}
