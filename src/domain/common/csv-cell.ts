/**
 * A CSV cell (RFC 4180, `,`-separated) for the API's and the CLI's exports: quoted when it must be,
 * and never read as a formula by a spreadsheet (a leading `=`, `+`, `-`, `@`, tab or carriage return
 * gets an apostrophe, as OWASP advises: keyword texts and reasons come from anyone).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvCell).join(',') + '\r\n';
}

/** A timestamp in a CSV: ISO 8601, UTC, to the second. */
export function csvTime(at: number | null): string {
  return at === null ? '' : new Date(at).toISOString().slice(0, 19) + 'Z';
}
