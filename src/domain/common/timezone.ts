import { formatUtc, type LocalDateTime } from './dates.js';

/**
 * Wall-clock time in an IANA time zone, from the runtime's own Intl data (no hand-written offsets).
 * get_feed reads `date_start` in the client's zone and writes every datetime in it.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's canonical name (`america/montreal` → `America/Montreal`), or null when unknown. */
export function resolveTimeZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: not a time zone this runtime knows
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, in milliseconds (Montréal in winter: -5 h). */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  if (timeZone === 'UTC') return 0;
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant whose wall-clock time in `timeZone` is at or after `local`. For a time that
 * occurs twice (the autumn overlap) that is its first occurrence; for a time that never occurs
 * (the spring gap) it is the transition itself. A feed that starts there skips no message.
 */
export function localToUtc(local: LocalDateTime, timeZone: string): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  if (timeZone === 'UTC') return wall;
  const offsets = [zoneOffsetMs(timeZone, wall - DAY), zoneOffsetMs(timeZone, wall + DAY)];
  const candidates = [...new Set(offsets.map((offset) => wall - offset))].sort((a, b) => a - b);
  for (const instant of candidates) {
    if (instant + zoneOffsetMs(timeZone, instant) === wall) return instant;
  }
  // In a gap: the earlier candidate reads before `local`, the later after it; the transition lies
  // between them. Find it by bisection (offsets change on whole seconds at worst).
  let before = candidates[0] ?? wall;
  let after = candidates[candidates.length - 1] ?? wall;
  const offsetBefore = zoneOffsetMs(timeZone, before);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (zoneOffsetMs(timeZone, middle) === offsetBefore) before = middle;
    else after = middle;
  }
  return after;
}

/**
 * Writes instants as `YYYY-MM-DD HH:MM:SS` in one zone. A feed page writes thousands of datetimes
 * that mostly share a few hours, so the offset is looked up once per hour, unless that hour holds
 * a transition, where each instant gets its own.
 */
export class ZonedFormatter {
  private readonly hourOffsets = new Map<number, number | null>();

  constructor(readonly timeZone: string) {}

  format(instant: number): string {
    if (this.timeZone === 'UTC') return formatUtc(instant);
    const hour = Math.floor(instant / HOUR);
    let offset = this.hourOffsets.get(hour);
    if (offset === undefined) {
      const start = zoneOffsetMs(this.timeZone, hour * HOUR);
      const end = zoneOffsetMs(this.timeZone, hour * HOUR + HOUR - 1);
      offset = start === end ? start : null;
      this.hourOffsets.set(hour, offset);
    }
    return formatUtc(instant + (offset ?? zoneOffsetMs(this.timeZone, instant)));
  }
}
