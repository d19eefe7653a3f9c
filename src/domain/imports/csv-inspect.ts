import { EncodingScanner, utf8Chunks, type CsvEncoding } from './csv-encoding.js';
import { chooseDelimiter, hasContactKey, mapHeader, type Delimiter } from './csv-header.js';
import { isCsvInputError, MAX_RECORD_CHARS, readCsvRecords } from './csv-reader.js';
import { csvMalformed, csvUnreadable, csvWrongDelimiters } from '../errors.js';

/** A re-readable upload: each call streams its bytes from the start, in pieces of at most `pieceBytes`. */
export type ByteSource = (pieceBytes: number) => AsyncIterable<Buffer>;

/** Pieces the checks read: small enough that nothing read lives long (see csv-reader.ts). */
const CHECK_PIECE_BYTES = 64 * 1024;

/** What the background import needs to read the stored bytes the way the check read them. */
export interface CsvLayout {
  readonly encoding: CsvEncoding;
  readonly delimiter: Delimiter;
  readonly byteSize: number;
  /** The header's fields as the importer reads them. */
  readonly header: readonly string[];
  /** Data records after the header (blank lines not counted): the rows the importer will read. */
  readonly rowCount: number;
}

/** How many data rows decide whether the rows split like the header. */
const SAMPLE_ROWS = 100;

/**
 * The checks made before `import_contacts` answers, streaming the whole upload (never holding it):
 * text (UTF-8, or Windows-1252 as Excel writes it), a delimiter on the header line, a header naming
 * a number or email column, rows that split like the header, and quoting that parses to the end.
 * Throws the contract's error otherwise (csv_unreadable, csv_wrong_delimiters, csv_malformed).
 */
export async function inspectCsv(source: ByteSource): Promise<CsvLayout> {
  const scanner = new EncodingScanner();
  let byteSize = 0;
  for await (const chunk of source(CHECK_PIECE_BYTES)) {
    scanner.feed(chunk);
    byteSize += chunk.length;
  }
  const encoding = scanner.finish();
  if (encoding === undefined) throw csvUnreadable();

  const choice = chooseDelimiter(await readHeaderLine(utf8Chunks(source(CHECK_PIECE_BYTES), encoding)));
  if (choice.kind === 'none') throw csvWrongDelimiters();
  if (choice.kind === 'no-contact-column') throw csvMalformed();
  const records = await checkRecords(utf8Chunks(source(CHECK_PIECE_BYTES), encoding), choice.delimiter);
  return { encoding, delimiter: choice.delimiter, byteSize, ...records };
}

/** The first line that is not blank, cut at MAX_RECORD_CHARS. */
async function readHeaderLine(bytes: AsyncIterable<Buffer>): Promise<string> {
  const decoder = new TextDecoder('utf-8');
  let buffered = '';
  for await (const piece of bytes) {
    buffered = (buffered + decoder.decode(piece, { stream: true })).replace(/^\s+/, '');
    const end = buffered.search(/[\r\n]/);
    if (end !== -1) return buffered.slice(0, end);
    if (buffered.length >= MAX_RECORD_CHARS) break;
  }
  return buffered.slice(0, MAX_RECORD_CHARS);
}

async function checkRecords(
  bytes: AsyncIterable<Buffer>,
  delimiter: Delimiter,
): Promise<{ header: readonly string[]; rowCount: number }> {
  let header: readonly string[] | undefined;
  let headerFields = -1;
  let sampled = 0;
  let splitLikeHeader = 0;
  let rowCount = 0;
  try {
    for await (const run of readCsvRecords(bytes, delimiter)) {
      for (const { fields } of run) {
        if (headerFields === -1) {
          // A quoted header cell spanning lines can make the parser see another header than the sniffer.
          if (!hasContactKey(mapHeader(fields))) throw csvMalformed();
          header = fields;
          headerFields = fields.length;
          continue;
        }
        rowCount++; // read on to the end: a quoting error anywhere makes the file malformed
        if (sampled >= SAMPLE_ROWS) continue;
        sampled++;
        if (fields.length === headerFields) splitLikeHeader++;
        if (sampled === SAMPLE_ROWS && splitLikeHeader * 2 < sampled) {
          throw csvWrongDelimiters();
        }
      }
    }
  } catch (error) {
    if (isCsvInputError(error)) throw csvMalformed();
    throw error;
  }
  if (header === undefined) throw csvUnreadable();
  // Most rows must split into the header's fields; a few odd rows are rejected one by one later.
  if (sampled > 0 && splitLikeHeader * 2 < sampled) throw csvWrongDelimiters();
  return { header, rowCount };
}
