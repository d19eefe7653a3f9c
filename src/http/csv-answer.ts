/**
 * An endpoint's answer as a CSV file rather than JSON (get_keyword_entries with `format=csv`):
 * registerEndpoint sends it as `text/csv` with a download file name. Rows are written RFC 4180
 * style (CRLF, quotes doubled), as spreadsheets read them.
 */
export class CsvAnswer {
  readonly text: string;

  constructor(
    readonly filename: string,
    rows: readonly (readonly (string | number | null)[])[],
  ) {
    this.text = rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
  }
}

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
