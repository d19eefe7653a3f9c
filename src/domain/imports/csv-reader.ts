import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Options } from 'csv-parse';
import type { Delimiter } from './csv-header.js';

/** The longest record accepted, in characters: past it a file is malformed (a runaway quote, a hostile line). */
export const MAX_RECORD_CHARS = 64 * 1024;

/** One record and the line it ends on (1-based, blank lines counted). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * The one set of csv-parse options, shared by the check before answering and the background import,
 * so that a file the check accepted parses the same way later. Field counts are NOT enforced by the
 * parser (`relax_column_count`): csv-parse reports a short or long row through a side channel that
 * loses its place among the records, so the importer compares each record with the header itself and
 * rejects it, in order, with its line number. Blank lines come through too, so that lines are counted
 * here: csv-parse's own `info` costs an object per record and miscounts CRLF inside quotes.
 */
function parserOptions(delimiter: Delimiter): Options {
  return {
    delimiter,
    relax_column_count: true,
    // A stray quote inside an unquoted field (`Bob "Bobby" Smith`) is kept as typed, as Excel reads it.
    relax_quotes: true,
    trim: true,
    max_record_size: MAX_RECORD_CHARS,
  };
}

const PIECE_BYTES = 64 * 1024;

async function* inPieces(chunks: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Line breaks inside the (quoted) fields of a record: each moves the next record one line further. */
function innerLineBreaks(fields: readonly string[]): number {
  let breaks = 0;
  for (const field of fields) {
    if (!BREAK.test(field)) continue;
    breaks += field.match(BREAKS)?.length ?? 0;
  }
  return breaks;
}
const BREAK = /[\r\n]/;
const BREAKS = /\r\n|\r|\n/g;

/**
 * Streams the records of CSV bytes (UTF-8, no BOM) with the line each ends on, in runs of whatever the parser
 * has ready (one promise per run rather than per record). Blank lines and lines of empty fields
 * (`,,,` as spreadsheets write under the data) are not records. A quoting error or an oversized
 * record throws csv-parse's CsvError.
 */
export async function* readCsvRecords(
  bytes: AsyncIterable<Buffer>,
  delimiter: Delimiter,
): AsyncGenerator<CsvRecord[]> {
  const parser = parse(parserOptions(delimiter));
  // The parser turns a whole piece into records at once and holds them until they are read: fed
  // 1 MB at a time it would hold ~20,000 records across the batches' database work, long enough for
  // the garbage collector to move them to the old generation. 64 KB pieces keep that to ~1,500.
  const source = Readable.from(inPieces(bytes, PIECE_BYTES), { highWaterMark: 1 });
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    wake?.();
    wake = undefined;
  };
  parser.on('readable', signal);
  parser.on('end', () => {
    ended = true;
    signal();
  });
  // pipeline destroys the parser with the source's error, so every failure arrives here.
  pipeline(source, parser).catch((error: unknown) => {
    failure ??= error;
    signal();
  });
  let line = 0;
  try {
    for (;;) {
      const run: CsvRecord[] = [];
      for (let fields: unknown = parser.read(); fields !== null; fields = parser.read()) {
        if (!isStringArray(fields)) throw new Error('csv-parse produced an unexpected record shape');
        line += 1 + innerLineBreaks(fields);
        if (!fields.every((field) => field === '')) run.push({ line, fields });
      }
      if (run.length > 0) yield run;
      else if (failure !== undefined) throw failure;
      else if (ended) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
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
