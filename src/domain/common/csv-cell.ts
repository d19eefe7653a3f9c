/**
 * A CSV cell (RFC 4180) for every export — the API's, the CLI's and the web platform's: quoted when
 * it must be, and never read as a formula by a spreadsheet (a leading `=`, `+`, `-`, `@`, tab or
 * carriage return gets an apostrophe, as OWASP advises: message bodies, names, keyword texts and
 * reasons come from anyone). French exports use `;`, the list separator of a French-Canadian Excel.
 */
export function csvCell(value: string, delimiter = ','): string {
  return csvQuoted(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value, delimiter);
}

/**
 * A cell quoted when it must be (the delimiter, a quote, a line break, or spaces at either end), its
 * text otherwise unchanged: for a file meant to be imported again as it is (an import's error report,
 * where `+1 514…` must stay a number).
 */
export function csvQuoted(value: string, delimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

export function csvLine(fields: readonly string[], delimiter = ','): string {
  return fields.map((field) => csvCell(field, delimiter)).join(delimiter) + '\r\n';
}

/** A timestamp in a CSV: ISO 8601, UTC, to the second. */
export function csvTime(at: number | null): string {
  return at === null ? '' : new Date(at).toISOString().slice(0, 19) + 'Z';
}
