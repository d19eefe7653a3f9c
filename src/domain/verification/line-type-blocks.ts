import { readCsvRecords, type CsvRecord } from '../imports/csv-reader.js';
import type { LineType, LineTypeBlock } from '../ports/line-types.js';

/**
 * The operator's file of North American line types by exchange (`vudumobile landline import-blocks`),
 * documented in docs/operator.md: CSV, comma-separated, UTF-8, a header naming at least `npa`,
 * `nxx` and `type`, and optionally `x` (the thousands-block digit, for exchanges shared between
 * carriers by number pooling; empty or `A` for the whole exchange). Other columns (a carrier's
 * name, a rate centre…) are ignored, so an export from a numbering database loads as it is.
 * The type words of such exports are understood: `fixed`, `landline`, `wireline` → fixed;
 * `mobile`, `wireless`, `cellular` → mobile; `voip` → voip; `other` → other.
 */
const TYPE_WORDS: Readonly<Record<string, LineType>> = {
  fixed: 'fixed',
  landline: 'fixed',
  wireline: 'fixed',
  mobile: 'mobile',
  wireless: 'mobile',
  cellular: 'mobile',
  voip: 'voip',
  other: 'other',
};

/** A file the import refuses, with the line that made it refuse (nothing is loaded). */
export class LineTypeBlockError extends Error {}

/** An NPA or NXX: 3 digits, the first 2 to 9 (NANP numbering plan). */
const AREA_OR_EXCHANGE = /^[2-9]\d\d$/;

interface Columns {
  readonly npa: number;
  readonly nxx: number;
  readonly type: number;
  readonly x: number | undefined;
}

function columnsOf(header: CsvRecord): Columns {
  const names = header.fields.map((f) =>
    f
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  );
  const find = (name: string) => {
    const index = names.indexOf(name);
    return index < 0 ? undefined : index;
  };
  const npa = find('npa');
  const nxx = find('nxx');
  const type = find('type');
  if (npa === undefined || nxx === undefined || type === undefined)
    throw new LineTypeBlockError(`line ${header.line}: the header must name the columns npa, nxx and type`);
  return { npa, nxx, type, x: find('x') };
}

/** One row as a block (the prefix in international digits, with the 1). */
function blockOf(record: CsvRecord, columns: Columns): LineTypeBlock {
  const field = (index: number | undefined) =>
    index === undefined ? '' : (record.fields[index] ?? '').trim();
  const npa = field(columns.npa);
  const nxx = field(columns.nxx);
  const x = field(columns.x).toUpperCase();
  const word = field(columns.type).toLowerCase();
  const lineType = TYPE_WORDS[word];
  const problem = !AREA_OR_EXCHANGE.test(npa)
    ? `npa "${npa}" is not 3 digits starting with 2 to 9`
    : !AREA_OR_EXCHANGE.test(nxx)
      ? `nxx "${nxx}" is not 3 digits starting with 2 to 9`
      : !/^(\d|A|)$/.test(x)
        ? `x "${x}" is not a digit, A or empty`
        : lineType === undefined
          ? `type "${word}" is not one of ${Object.keys(TYPE_WORDS).join(', ')}`
          : undefined;
  if (problem !== undefined || lineType === undefined)
    throw new LineTypeBlockError(`line ${record.line}: ${problem ?? 'unreadable row'}`);
  return { prefix: `1${npa}${nxx}${x === 'A' ? '' : x}`, lineType };
}

/**
 * Reads a block file as batches of blocks, in file order. Throws LineTypeBlockError at the first
 * bad row (or a missing header), so that an import of it, run in one transaction, loads nothing.
 */
export async function* readLineTypeBlocks(bytes: AsyncIterable<Buffer>): AsyncGenerator<LineTypeBlock[]> {
  let columns: Columns | undefined;
  let any = false;
  for await (const run of readCsvRecords(bytes, ',')) {
    const blocks: LineTypeBlock[] = [];
    for (const record of run) {
      if (columns === undefined) columns = columnsOf(record);
      else blocks.push(blockOf(record, columns));
    }
    any ||= blocks.length > 0;
    if (blocks.length > 0) yield blocks;
  }
  if (columns === undefined)
    throw new LineTypeBlockError('the file is empty: expected a header npa,nxx,x,type');
  if (!any) throw new LineTypeBlockError('the file has a header but no block');
}
