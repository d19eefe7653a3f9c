/** Dates in the API: `YYYY-MM-DD HH:MM:SS`, UTC unless an endpoint says otherwise. */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats epoch milliseconds as `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Parses `YYYY-MM-DD HH:MM:SS` (also `T` as separator, seconds optional, or a bare date). */
export function parseDateTime(input: string): LocalDateTime | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(input.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day, hour, minute, second };
}

/** Parses a UTC date-time to epoch milliseconds, or null. */
export function parseUtc(input: string): number | null {
  const t = parseDateTime(input);
  if (!t) return null;
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}
