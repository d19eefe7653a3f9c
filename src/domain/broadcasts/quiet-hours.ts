import { zoneOfNanpNumber } from '../common/nanp-zones.js';
import { localToUtc, resolveTimeZone, zoneOffsetMs } from '../common/timezone.js';

/**
 * Quiet hours: an account's window (default 21:00–08:00) during which its broadcast SMS wait,
 * read in each recipient's local time — the contact's own zone when it has one (a Montréal number
 * that lives in Vancouver), else the zone of the number's area code (nanp-zones.ts), else the
 * account's zone. A held message is not failed: the fan-out stores it queued with its due time
 * at the window's end in that zone, and the dispatcher, which claims by due time, sends it then.
 * Stored, so a restart changes nothing. Single sends and verification codes never pass here.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A window in minutes after local midnight; start > end wraps past midnight (21:00–08:00). */
export interface QuietWindow {
  readonly startMinute: number;
  readonly endMinute: number;
}

export const DEFAULT_QUIET_HOURS: QuietWindow = { startMinute: 21 * 60, endMinute: 8 * 60 };

/** `HH:MM` (24 h) → minutes after midnight, or null. */
export function parseClock(raw: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** Minutes after midnight → `HH:MM`. */
export function formatClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Whether a local minute of the day falls in the window (its start included, its end not). */
export function inWindow(window: QuietWindow, minute: number): boolean {
  const { startMinute: start, endMinute: end } = window;
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The quiet hours of one account, for one fan-out: when each message may leave. Offsets are looked
 * up once per zone and UTC hour, window ends once per zone and local day, so a 100,000-recipient
 * fan-out costs a map lookup or two per message.
 */
export class QuietHours {
  private readonly offsets = new Map<string, Map<number, number>>();
  private readonly releases = new Map<string, number>();
  /** Contacts' zones as checked once per fan-out: true when this runtime knows the zone. */
  private readonly knownZones = new Map<string, boolean>();

  constructor(
    readonly window: QuietWindow,
    /** The zone of a number whose area code the table does not know: the account's. */
    readonly fallbackZone: string,
  ) {}

  /**
   * The zone a recipient's local time is read in: its contact's zone (`contactZone`), else its area
   * code's, else the account's. A contact's zone was checked when it was written; one this runtime
   * does not know (an older ICU, a hand-edited row) is passed over rather than stopping the fan-out.
   */
  zoneOf(number: string, contactZone: string | null = null): string {
    if (contactZone !== null && this.isKnown(contactZone)) return contactZone;
    return zoneOfNanpNumber(number) ?? this.fallbackZone;
  }

  /** The instant a message to `number` due at `instant` may leave: `instant` itself, or the window's end. */
  releaseAt(number: string, instant: number, contactZone: string | null = null): number {
    const zone = this.zoneOf(number, contactZone);
    const wall = instant + this.offset(zone, instant);
    const minute = Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
    if (!inWindow(this.window, minute)) return instant;
    // Past midnight already (or a window that does not wrap): the end is today; else tomorrow.
    const endsTomorrow = minute >= this.window.startMinute && this.window.startMinute > this.window.endMinute;
    const day = new Date(Math.floor(wall / DAY) * DAY + (endsTomorrow ? DAY : 0));
    const key = `${zone}|${day.getTime()}`;
    let release = this.releases.get(key);
    if (release === undefined) {
      release = localToUtc(
        {
          year: day.getUTCFullYear(),
          month: day.getUTCMonth() + 1,
          day: day.getUTCDate(),
          hour: Math.floor(this.window.endMinute / 60),
          minute: this.window.endMinute % 60,
          second: 0,
        },
        zone,
      );
      this.releases.set(key, release);
    }
    return release;
  }

  /**
   * The due time of a paced broadcast message (`slot`, from planPacing, at or after `now`): a held
   * one leaves at its release plus its place in the pacing window, so the messages released together
   * keep the account's rate instead of leaving all at once.
   */
  dueAt(number: string, slot: number, now: number, contactZone: string | null = null): number {
    const release = this.releaseAt(number, slot, contactZone);
    return release > slot ? release + (slot - now) : slot;
  }

  private isKnown(zone: string): boolean {
    let known = this.knownZones.get(zone);
    if (known === undefined) {
      known = resolveTimeZone(zone) !== null;
      this.knownZones.set(zone, known);
    }
    return known;
  }

  private offset(zone: string, instant: number): number {
    let byHour = this.offsets.get(zone);
    if (!byHour) {
      byHour = new Map();
      this.offsets.set(zone, byHour);
    }
    const hour = Math.floor(instant / HOUR);
    let offset = byHour.get(hour);
    if (offset === undefined) {
      // An hour that holds a transition is read per instant rather than cached.
      const start = zoneOffsetMs(zone, hour * HOUR);
      const end = zoneOffsetMs(zone, hour * HOUR + HOUR - 1);
      if (start !== end) return zoneOffsetMs(zone, instant);
      offset = start;
      byHour.set(hour, offset);
    }
    return offset;
  }
}
