import { formatUtc } from '../common/dates.js';
import { localToUtc, resolveTimeZone, ZonedFormatter } from '../common/timezone.js';
import {
  invalidTimezone,
  invalidUsageBy,
  invalidUsageDate,
  invalidFormat,
  invalidUsagePeriod,
  invalidUsageRange,
  missingParameter,
} from '../errors.js';

/**
 * get_usage (extension): what an account sent and received per day or month, as the carrier bills
 * it. Pure: reading the parameters and folding the store's 15-minute slots into local periods.
 *
 * - **mt**: SMS handed to the carrier, counted when submitted (`sent_at`), each part as the carrier
 *   bills it; a message refused or cancelled before submission counts nowhere. A message that
 *   failed after submission (a negative receipt) was billed and counts.
 * - **mo**: SMS received, by their parts, when received.
 * - **emails**: emails sent (API and broadcasts; not the platform's own mail such as import reports).
 * Periods are local days or months in `pref_timezone` (as get_feed reads it, default UTC). The
 * store counts in 15-minute slots of UTC: every zone's offset is a whole number of quarter hours,
 * so a slot never straddles a local midnight (St. John's −3:30, Kathmandu +5:45).
 */

/** A slot's width: the store's grouping, and the finest offset any time zone uses. */
export const USAGE_SLOT_MS = 900_000;
/** The longest range one report covers, in local days. */
export const USAGE_MAX_DAYS = 732;

export type UsagePeriod = 'day' | 'month';

export interface UsageQuery {
  readonly period: UsagePeriod;
  /** Local dates `YYYY-MM-DD`, inclusive. */
  readonly fromDate: string;
  readonly toDate: string;
  readonly timeZone: string;
  /** Epoch ms: the first instant of fromDate, the first instant after toDate. */
  readonly startAt: number;
  readonly endAt: number;
  readonly byBroadcast: boolean;
  readonly format: 'json' | 'csv';
}

export interface UsageParams {
  readonly period?: string;
  readonly from_date?: string;
  readonly to_date?: string;
  readonly pref_timezone?: string;
  readonly by?: string;
  readonly format?: string;
}

/** Counts of one slot (or one broadcast's part of it), as the store groups them. */
export interface UsageSlot {
  /** The slot's first instant, epoch ms (a multiple of USAGE_SLOT_MS). */
  readonly slot: number;
  /** null: single sends, inbound, API emails. Always null unless counted by broadcast. */
  readonly broadcastId: number | null;
  readonly mtMessages: number;
  readonly mtParts: number;
  readonly moMessages: number;
  readonly moParts: number;
  readonly emails: number;
}

export interface UsageCounts {
  readonly mtMessages: number;
  readonly mtParts: number;
  readonly moMessages: number;
  readonly moParts: number;
  readonly emails: number;
}

export interface UsageRow extends UsageCounts {
  /** `YYYY-MM-DD` (day) or `YYYY-MM` (month), local. */
  readonly period: string;
  readonly broadcastId: number | null;
}

export interface UsageReport {
  readonly query: UsageQuery;
  readonly rows: readonly UsageRow[];
  readonly totals: UsageCounts;
}

const DAY_MS = 86_400_000;

function parseDay(raw: string, name: string): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const [year, month, day] = (match?.slice(1) ?? []).map(Number) as [number?, number?, number?];
  if (year === undefined || month === undefined || day === undefined) throw invalidUsageDate(name);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    throw invalidUsageDate(name);
  return { year, month, day };
}

const midnight = (d: { year: number; month: number; day: number }) => ({
  ...d,
  hour: 0,
  minute: 0,
  second: 0,
});

/** Reads get_usage's parameters; `now` gives to_date's default (today, local). */
export function parseUsageQuery(params: UsageParams, now: number): UsageQuery {
  const period = (params.period?.trim() || 'day').toLowerCase();
  if (period !== 'day' && period !== 'month') throw invalidUsagePeriod();
  let timeZone = 'UTC';
  if (params.pref_timezone !== undefined && params.pref_timezone.trim() !== '') {
    const resolved = resolveTimeZone(params.pref_timezone);
    if (!resolved) throw invalidTimezone(params.pref_timezone);
    timeZone = resolved;
  }
  const rawFrom = params.from_date?.trim() ?? '';
  if (rawFrom === '') throw missingParameter('from_date');
  const from = parseDay(rawFrom, 'from_date');
  const rawTo = params.to_date?.trim() ?? '';
  const today = new ZonedFormatter(timeZone).format(now).slice(0, 10);
  const to = parseDay(rawTo === '' ? today : rawTo, 'to_date');
  const days =
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS;
  if (days < 0 || days >= USAGE_MAX_DAYS) throw invalidUsageRange(String(USAGE_MAX_DAYS));
  const after = new Date(Date.UTC(to.year, to.month - 1, to.day + 1));
  const by = params.by?.trim() ?? '';
  if (by !== '' && by !== 'broadcast') throw invalidUsageBy();
  const format = (params.format?.trim() || 'json').toLowerCase();
  if (format !== 'json' && format !== 'csv') throw invalidFormat();
  return {
    period,
    fromDate: formatUtc(Date.UTC(from.year, from.month - 1, from.day)).slice(0, 10),
    toDate: formatUtc(Date.UTC(to.year, to.month - 1, to.day)).slice(0, 10),
    timeZone,
    startAt: localToUtc(midnight(from), timeZone),
    endAt: localToUtc(
      midnight({ year: after.getUTCFullYear(), month: after.getUTCMonth() + 1, day: after.getUTCDate() }),
      timeZone,
    ),
    byBroadcast: by === 'broadcast',
    format,
  };
}

const ZERO: UsageCounts = { mtMessages: 0, mtParts: 0, moMessages: 0, moParts: 0, emails: 0 };

function add(a: UsageCounts, b: UsageCounts): UsageCounts {
  return {
    mtMessages: a.mtMessages + b.mtMessages,
    mtParts: a.mtParts + b.mtParts,
    moMessages: a.moMessages + b.moMessages,
    moParts: a.moParts + b.moParts,
    emails: a.emails + b.emails,
  };
}

/** Every period label of the range, in order: each day, or each month a day of the range falls in. */
function periodsOf(query: UsageQuery): string[] {
  const labels: string[] = [];
  const [y, m, d] = query.fromDate.split('-').map(Number) as [number, number, number];
  for (let t = Date.UTC(y, m - 1, d); formatUtc(t).slice(0, 10) <= query.toDate; t += DAY_MS) {
    const label = formatUtc(t).slice(0, query.period === 'day' ? 10 : 7);
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels;
}

/**
 * Folds the store's slots into local periods. Without `by=broadcast` every period of the range has
 * its row (zeros included: a bill lists every day); with it, only the (period, broadcast) pairs that
 * counted something, single sends and inbound under a null broadcast first.
 */
export function foldUsage(query: UsageQuery, slots: readonly UsageSlot[]): UsageReport {
  const zone = new ZonedFormatter(query.timeZone);
  const width = query.period === 'day' ? 10 : 7;
  const byKey = new Map<string, UsageRow>();
  const key = (period: string, broadcastId: number | null) => `${period} ${broadcastId ?? ''}`;
  if (!query.byBroadcast) {
    for (const period of periodsOf(query))
      byKey.set(key(period, null), { period, broadcastId: null, ...ZERO });
  }
  let totals = ZERO;
  for (const slot of slots) {
    const period = zone.format(slot.slot).slice(0, width);
    const broadcastId = query.byBroadcast ? slot.broadcastId : null;
    const k = key(period, broadcastId);
    const row = byKey.get(k) ?? { period, broadcastId, ...ZERO };
    byKey.set(k, { ...row, ...add(row, slot) });
    totals = add(totals, slot);
  }
  const rows = [...byKey.values()].sort(
    (a, b) => a.period.localeCompare(b.period) || (a.broadcastId ?? -1) - (b.broadcastId ?? -1),
  );
  return { query, rows, totals };
}
