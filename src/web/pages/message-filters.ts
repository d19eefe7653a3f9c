import { parseDateTime } from '../../domain/common/dates.js';
import { normalisePhone } from '../../domain/common/phone.js';
import { localToUtc } from '../../domain/common/timezone.js';
import {
  isHistoryStatus,
  type HistoryCursor,
  type HistoryFilter,
  type HistoryStatus,
} from '../../domain/messages/message-history.js';
import type { MessageKey } from '../i18n/messages.js';

/** The messages view's filters as they appear in its URL (kept across pages and in the export link). */
export interface MessageFilterForm {
  readonly direction: string;
  readonly status: string;
  readonly number: string;
  readonly from: string;
  readonly to: string;
}

export type ParsedFilters =
  | { readonly ok: true; readonly filter: Omit<HistoryFilter, 'limit'> }
  | { readonly ok: false; readonly errors: Partial<Record<keyof MessageFilterForm | 'before', MessageKey>> };

const DAY = 86_400_000;

export function filterForm(query: URLSearchParams): MessageFilterForm {
  const get = (name: string) => (query.get(name) ?? '').trim().slice(0, 40);
  return {
    direction: get('direction'),
    status: get('status'),
    number: get('number'),
    from: get('from'),
    to: get('to'),
  };
}

/** The query string of a filter form (empty fields left out), for links to pages and the export. */
export function filterQuery(form: MessageFilterForm, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...form, ...extra }))
    if (value !== '') params.set(name, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** A keyset cursor as it travels in `before=`: `<created_at>-<id>`. */
export function cursorParam(cursor: HistoryCursor): string {
  return `${cursor.createdAt}-${cursor.id}`;
}

function parseCursor(raw: string): HistoryCursor | null {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(raw);
  return match ? { createdAt: Number(match[1]), id: Number(match[2]) } : null;
}

/** A date of the form (`YYYY-MM-DD`, what `<input type="date">` sends) as local midnight in `timeZone`. */
function localDay(raw: string, timeZone: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return null;
  const date = parseDateTime(raw);
  return date ? localToUtc(date, timeZone) : null;
}

/**
 * Reads the view's filters for one account: dates are whole days in the reader's time zone (`to`
 * included), a number is read in the account's country as `send` reads `to`. Every bad field is
 * named, so the page can say what to fix.
 */
export function parseFilters(
  accountId: number,
  form: MessageFilterForm,
  before: string,
  context: { readonly timeZone: string; readonly country: string },
): ParsedFilters {
  const errors: Partial<Record<keyof MessageFilterForm | 'before', MessageKey>> = {};
  const direction = form.direction === '' ? 'all' : form.direction;
  if (direction !== 'all' && direction !== 'mo' && direction !== 'mt')
    errors.direction = 'history.error.direction';
  let status: HistoryStatus | undefined;
  if (form.status !== '') {
    if (isHistoryStatus(form.status)) status = form.status;
    else errors.status = 'history.error.status';
  }
  let number: string | undefined;
  if (form.number !== '') {
    number = normalisePhone(form.number, context.country) ?? undefined;
    if (number === undefined) errors.number = 'history.error.number';
  }
  const fromAt = form.from === '' ? undefined : localDay(form.from, context.timeZone);
  if (fromAt === null) errors.from = 'history.error.date';
  const toDay = form.to === '' ? undefined : localDay(form.to, context.timeZone);
  if (toDay === null) errors.to = 'history.error.date';
  // The day after `to`, at its own local midnight (a day of a DST change is 23 or 25 hours long).
  const untilAt =
    toDay === undefined || toDay === null
      ? undefined
      : localDay(
          new Date(Date.parse(`${form.to}T00:00:00Z`) + DAY).toISOString().slice(0, 10),
          context.timeZone,
        );
  if (typeof fromAt === 'number' && typeof untilAt === 'number' && fromAt >= untilAt)
    errors.to = 'history.error.range';
  const cursor = before === '' ? undefined : parseCursor(before);
  if (cursor === null) errors.before = 'history.error.cursor';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    filter: {
      accountId,
      direction: direction as HistoryFilter['direction'],
      status,
      number,
      fromAt: fromAt ?? undefined,
      untilAt: untilAt ?? undefined,
      before: cursor ?? undefined,
    },
  };
}
