import { findReceiptCode, RECEIPT_STATS } from '../../domain/messages/receipt-status.js';
import type { FailureGroup } from '../../domain/ports/broadcast-report-store.js';
import type { WebState } from '../web-state.js';

/** How a group of failed SMS is named: the receipt's code with its §6 name and suggested action. */
export interface FailureName {
  readonly code: string;
  readonly name: string;
  readonly action: string | null;
}

/**
 * `UNDELIV_300` → code 300 and the contract §6 table's name and action for that state and code (the
 * provider's table is French only, so both languages show its words); a refusal before any receipt
 * (the carrier or the platform refused the submit) is named by its stored reason.
 */
export function failureName(web: WebState, failure: FailureGroup): FailureName {
  const { t } = web.i18n;
  const detailed = failure.detailedStatus;
  if (detailed) {
    const [stat = '', code = ''] = detailed.split('_');
    const state = RECEIPT_STATS[stat]?.state;
    const entry = state ? findReceiptCode(state, code) : undefined;
    return { code: detailed, name: entry?.name ?? stat, action: entry?.action ?? null };
  }
  return { code: '—', name: failure.error || t('broadcasts.failure.refused'), action: null };
}
