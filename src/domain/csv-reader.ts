import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Options } from 'csv-parse';
import type { Delimiter } from './csv-header.js';

/** The longest record accepted, in characters: past it a file is malformed (a runaway quote, a hostile line). */
export const MAX_RECORD_CHARS = 64 * 1024;

/** One record and the line it ends on (1-based; the header is line 1 in a file without blank lines). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * The one set of csv-parse options, shared by the check before answering and the background import,
 * so that a file the check accepted parses the same way later. Field counts are NOT enforced by the
 * parser (`relax_column_count`): csv-parse reports a short or long row through a side channel that
 * loses its place among the records, so the importer compares each record with the header itself and
 * rejects it, in order, with its line number.
 */
function parserOptions(delimiter: Delimiter, withLines: boolean): Options {
  return {
    delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted field (`Bob "Bobby" Smith`) is kept as typed, as Excel reads it.
    relax_quotes: true,
    trim: true,
    skip_empty_lines: true,
    // A line of empty fields (`,,,` as spreadsheets write under the data) is not a row.
    skip_records_with_empty_values: true,
    max_record_size: MAX_RECORD_CHARS,
    // The per-record snapshot costs about 2 µs a record; only the importer needs line numbers.
    info: withLines,
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function toRecord(output: unknown, counter: number): CsvRecord {
  if (isStringArray(output)) return { line: counter, fields: output };
  if (typeof output === 'object' && output !== null && 'record' in output && 'info' in output) {
    const { record, info } = output;
    const line = typeof info === 'object' && info !== null && 'lines' in info ? info.lines : undefined;
    if (isStringArray(record) && typeof line === 'number') return { line, fields: record };
  }
  throw new Error('csv-parse produced an unexpected record shape');
}

/**
 * Streams the records of decoded CSV text. A quoting error or an oversized record throws csv-parse's
 * CsvError. With `withLines` off, `line` is the record's ordinal instead (cheaper, for checks).
 */
export async function* readCsvRecords(
  text: AsyncIterable<string>,
  delimiter: Delimiter,
  withLines = true,
): AsyncGenerator<CsvRecord> {
  const parser = parse(parserOptions(delimiter, withLines));
  const source = Readable.from(text);
  const feeding = pipeline(source, parser);
  // A failure of the source reaches the loop below through the parser; this only avoids an
  // unhandled rejection when the consumer stops early.
  feeding.catch(() => undefined);
  let counter = 0;
  try {
    for await (const output of parser) {
      counter++;
      yield toRecord(output, counter);
    }
    await feeding;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Whether an error is csv-parse's own report of bad input (as opposed to a failure underneath). */
export function isCsvInputError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    /^(CSV_|INVALID_OPENING_QUOTE)/.test(error.code)
  );
}
