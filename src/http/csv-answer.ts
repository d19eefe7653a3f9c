import { csvLine } from '../domain/common/csv-cell.js';

/**
 * An endpoint's answer as a CSV file rather than JSON (the exports, get_keyword_entries with
 * `format=csv`): registerEndpoint streams its lines as `text/csv` with a download file name, never
 * buffering a large export whole. Lines end in CRLF, RFC 4180 style, as spreadsheets read them.
 */
export class CsvAnswer {
  constructor(
    readonly fileName: string,
    readonly lines: AsyncIterable<string> | Iterable<string>,
  ) {}

  /** A small CSV from rows already in memory. */
  static fromRows(fileName: string, rows: readonly (readonly (string | number | null)[])[]): CsvAnswer {
    return new CsvAnswer(
      fileName,
      rows.map((row) => csvLine(row.map((value) => (value === null ? '' : String(value))))),
    );
  }
}
