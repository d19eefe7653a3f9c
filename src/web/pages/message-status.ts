import { historyStatus, type HistoryRow, type HistoryStatus } from '../../domain/messages/message-history.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { receiptStatusText } from '../i18n/receipt-status.js';
import type { WebState } from '../web-state.js';

/** What a reader is told of one message's outcome, in their language. */
export interface StatusTexts {
  /** Reçu, En attente, Envoyé, Livré, Échec. */
  readonly label: string;
  readonly status: ReturnType<typeof historyStatus>;
  /** The receipt's `<STAT>_<ERR>` (contract §6), when one arrived. */
  readonly code: string;
  /** The §6 name of the code, or why a message failed without a receipt. */
  readonly meaning: string;
  /** The §6 suggested action (for a failure or an unsure delivery). */
  readonly action: string;
}

export const STATUS_KEYS: Readonly<Record<HistoryStatus, MessageKey>> = {
  received: 'history.status.received',
  queued: 'history.status.queued',
  sent: 'history.status.sent',
  delivered: 'history.status.delivered',
  failed: 'history.status.failed',
};

type StatusFields = Pick<HistoryRow, 'direction' | 'status' | 'detailed_status' | 'error'>;

export function statusTexts(web: WebState, row: StatusFields): StatusTexts {
  const { t, lang } = web.i18n;
  const status = historyStatus(row);
  const label = t(STATUS_KEYS[status]);
  const code = row.detailed_status ?? '';
  const receipt = code === '' ? undefined : receiptStatusText(lang, code);
  if (receipt) {
    // A delivered message needs no action; an ACCEPTD one's note (probably delivered) still helps.
    const action = status === 'delivered' && code.startsWith('DELIVRD') ? '' : receipt.action;
    return { label, status, code, meaning: receipt.name, action };
  }
  if (status === 'failed') {
    const meaning =
      row.status === 'cancelled'
        ? t('history.cancelled')
        : row.error
          ? t('history.rejected', { error: row.error })
          : '';
    return { label, status, code, meaning, action: '' };
  }
  return { label, status, code, meaning: '', action: '' };
}

/** An outbound message's status as a table cell shows it: the label, then the §6 code and action. */
export function statusCell(web: WebState, row: StatusFields): SafeHtml {
  const { t } = web.i18n;
  const texts = statusTexts(web, row);
  return html`<span class="tag status-${texts.status}">${texts.label}</span> ${
      texts.code || texts.meaning
        ? html`<span class="status-detail"
            >${texts.code ? html`<code>${texts.code}</code> ` : ''}${texts.meaning}</span
          >`
        : ''
    }
    ${texts.action ? html`<span class="status-action">${t('history.action', { action: texts.action })}</span>` : ''}`;
}
