import { parseDateTime } from '../common/dates.js';
import {
  invalidDate,
  invalidDirection,
  invalidFeedLimit,
  invalidTimezone,
  missingParameter,
  notAWholeNumber,
} from '../errors.js';
import { localToUtc, resolveTimeZone } from '../common/timezone.js';

/** get_feed's query once its parameters are read (contract §3.1). */
export interface FeedQuery {
  /** Inclusive start, epoch ms UTC. */
  readonly startAt: number;
  /** Canonical IANA name the datetimes are written in. */
  readonly timeZone: string;
  readonly direction: 'mo' | 'mt' | 'all';
  /** Extension: only messages with a greater msg_id. */
  readonly sinceId: number | undefined;
  readonly limit: number;
}

export const FEED_MAX_LIMIT = 10_000;

export interface FeedParams {
  date_start?: string;
  pref_timezone?: string;
  direction?: string;
  since_id?: string;
  limit?: string;
}

/** Reads get_feed's parameters; throws the contract's errors, checked in the order documented. */
export function parseFeedQuery(params: FeedParams): FeedQuery {
  const rawStart = params.date_start?.trim() ?? '';
  if (rawStart === '') throw missingParameter('date_start');
  const local = parseDateTime(rawStart);
  if (!local) throw invalidDate();
  let timeZone = 'UTC';
  if (params.pref_timezone !== undefined && params.pref_timezone.trim() !== '') {
    const resolved = resolveTimeZone(params.pref_timezone);
    if (!resolved) throw invalidTimezone(params.pref_timezone);
    timeZone = resolved;
  }
  const direction = (params.direction?.trim() || 'mo').toLowerCase();
  if (direction !== 'mo' && direction !== 'mt' && direction !== 'all') throw invalidDirection();
  return {
    startAt: localToUtc(local, timeZone),
    timeZone,
    direction,
    sinceId: parseSinceId(params.since_id),
    limit: parseLimit(params.limit),
  };
}

function parseSinceId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!/^\d{1,15}$/.test(raw.trim()) || !Number.isSafeInteger(value)) throw notAWholeNumber('since_id');
  return value;
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return FEED_MAX_LIMIT;
  const value = Number(raw.trim());
  if (!/^\d{1,15}$/.test(raw.trim()) || value < 1) throw invalidFeedLimit(FEED_MAX_LIMIT);
  // Above the maximum a client gets the maximum and continues from the last msg_id it saw.
  return Math.min(value, FEED_MAX_LIMIT);
}

/** The status fields of a stored message that status_mt is written from. */
export interface MtStatus {
  readonly status: string;
  readonly detailed_status: string | null;
}

/**
 * status_mt (contract §3.1): queued | sent | delivered | failed, or the receipt's `<STAT>_<ERR>` for
 * an account with detailed statuses once a receipt arrived. `sending` (claimed by the dispatcher,
 * not yet accepted by the carrier) is still `queued` to the client; a cancelled one never left.
 */
export function renderStatusMt(message: MtStatus, detailedStatuses: boolean): string {
  if (detailedStatuses && message.detailed_status) return message.detailed_status;
  switch (message.status) {
    case 'sent':
    case 'delivered':
    case 'failed':
      return message.status;
    case 'cancelled':
      return 'failed';
    default:
      return 'queued';
  }
}
