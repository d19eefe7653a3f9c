import { parseDateTime } from '../common/dates.js';
import { localToUtc, resolveTimeZone } from '../common/timezone.js';
import { invalidBroadcast, invalidTimezone, launchDateInPast, unknownSender } from '../errors.js';
import type { Broadcast } from './broadcasts.js';

/**
 * When and from which number a broadcast leaves (post_broadcast's `launch_date`, and the extensions
 * `launch_timezone` and `from`). Pure: the caller passes the clock and checks the sender's
 * ownership.
 */

/**
 * A launch_date this far behind the clock is still taken (it starts at once): a client that sends
 * "now" rounded to the second, or whose clock lags a little, is not refused.
 */
export const PAST_LAUNCH_GRACE_MS = 60_000;

/** The launch as stored: UTC instant and the zone it was given in (null: UTC). */
export interface Launch {
  readonly launchDate: number | null;
  readonly launchTimeZone: string | null;
}

export interface LaunchParams {
  readonly launch_date?: string;
  readonly launch_timezone?: string;
}

/**
 * Reads launch_date in launch_timezone (IANA, DST-correct as get_feed's `pref_timezone`: a time
 * that occurs twice in the autumn is its first occurrence, a time the spring skips is the
 * transition instant). A launch more than PAST_LAUNCH_GRACE_MS in the past is refused — except
 * a modification that sends back the launch the broadcast already has (clients resend every field;
 * the scheduler starts such a broadcast at once). launch_date sent empty clears the launch.
 */
export function parseLaunch(params: LaunchParams, existing: Broadcast | null, now: number): Launch {
  const rawDate = params.launch_date;
  const rawZone = params.launch_timezone;
  const base: Launch = {
    launchDate: existing?.launchDate ?? null,
    launchTimeZone: existing?.launchTimeZone ?? null,
  };
  if (rawDate === undefined || rawDate.trim() === '') {
    // A zone means nothing without the date it is read in.
    if (rawZone !== undefined && rawZone.trim() !== '') throw invalidBroadcast();
    return rawDate === undefined ? base : { launchDate: null, launchTimeZone: null };
  }
  let zone = 'UTC';
  if (rawZone !== undefined && rawZone.trim() !== '') {
    const resolved = resolveTimeZone(rawZone);
    if (resolved === null) throw invalidTimezone(rawZone);
    zone = resolved;
  }
  const local = parseDateTime(rawDate);
  if (local === null) throw invalidBroadcast();
  const launchDate = localToUtc(local, zone);
  const unchanged = existing !== null && existing.launchDate === launchDate;
  if (!unchanged && launchDate < now - PAST_LAUNCH_GRACE_MS) throw launchDateInPast();
  return { launchDate, launchTimeZone: zone === 'UTC' ? null : zone };
}

/**
 * post_broadcast's `from`: digits (a leading `+` is tolerated), checked by the caller against the
 * account's sender numbers; sent empty, the account's first number again. Undefined: unchanged.
 */
export function parseBroadcastSender(raw: string | undefined, existing: Broadcast | null): string | null {
  if (raw === undefined) return existing?.fromNumber ?? null;
  const trimmed = raw.trim();
  if (trimmed === '') return null;
  const digits = trimmed.startsWith('+') ? trimmed.slice(1) : trimmed;
  if (!/^\d{3,15}$/.test(digits)) throw unknownSender();
  return digits;
}
