import type { FailureGroup } from '../../domain/ports/broadcast-report-store.js';
import { receiptStatusText } from '../i18n/receipt-status.js';
import type { WebState } from '../web-state.js';

/** How a group of failed SMS is named: the receipt's code with its §6 name and suggested action. */
export interface FailureName {
  readonly code: string;
  readonly name: string;
  readonly action: string | null;
}

/**
 * `UNDELIV_300` → the contract §6 table's name and action in the reader's language
 * (`i18n/receipt-status.ts`, shared with the messages view); a refusal before any receipt (the
 * carrier or the platform refused the submit) is named by its stored reason.
 */
export function failureName(web: WebState, failure: FailureGroup): FailureName {
  const { t, lang } = web.i18n;
  const detailed = failure.detailedStatus;
  if (detailed) {
    const text = receiptStatusText(lang, detailed);
    return { code: detailed, name: text?.name ?? detailed, action: text?.action ?? null };
  }
  return { code: '—', name: failure.error || t('broadcasts.failure.refused'), action: null };
}
