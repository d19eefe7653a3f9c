import { setImmediate as nextTurn } from 'node:timers/promises';
import { utf8Chunks } from './csv-encoding.js';
import { hasContactKey, mapHeader } from './csv-header.js';
import { readCsvRecords, type CsvRecord } from './csv-reader.js';
import { applyBatch } from './import-batch.js';
import { rawNumberOf, readImportRow, type NumberNormaliser, type RowLayout } from './import-rows.js';
import {
  addCounts,
  type ImportAccount,
  type ImportCounts,
  type ImportJob,
  type ImportLease,
  type ImportStore,
} from '../ports/import-store.js';

/** An import that can never succeed (its stored bytes no longer read as the check read them). */
export class ImportFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFailure';
  }
}

export interface ImportRunOptions {
  /** Rows per transaction. */
  readonly batchSize: number;
  readonly leaseMs: number;
  readonly now: () => number;
  /** Aborted when the process stops: the run ends after the batch being written is committed. */
  readonly signal: AbortSignal;
  readonly normaliseNumbers: NumberNormaliser;
  /** Told of every renewed lease, so a caller handling a failure holds the current one. */
  readonly onLease?: (lease: ImportLease) => void;
}

export interface ImportRunResult {
  readonly outcome: 'done' | 'stopped';
  readonly lease: ImportLease;
  readonly counts: ImportCounts;
}

/** A batch read from the file whose numbers are being normalised. */
interface ReadBatch {
  readonly records: readonly CsvRecord[];
  readonly numbers: Promise<(string | null)[]>;
}

/**
 * Streams an import's stored chunks through the CSV parser and commits its rows batch by batch.
 * Rows up to the checkpoint were committed by an earlier run and are read past without effect, so a
 * run resumed after a crash counts every row exactly once. The numbers of one batch are normalised
 * (possibly on another thread) while the previous batch is written.
 */
export async function runImport(
  store: ImportStore,
  job: ImportJob,
  account: ImportAccount,
  lease: ImportLease,
  options: ImportRunOptions,
): Promise<ImportRunResult> {
  let current = lease;
  let renewedAt = options.now();
  let counts = job.counts;
  let layout: RowLayout | undefined;
  let records: CsvRecord[] = [];
  let inFlight: ReadBatch | undefined;

  const commit = async (batch: ReadBatch, rowLayout: RowLayout): Promise<void> => {
    const numbers = await batch.numbers;
    const rows = batch.records.map((record, i) => readImportRow(record, rowLayout, numbers[i] ?? null));
    const fieldsByLine = new Map(batch.records.map((record) => [record.line, record.fields]));
    const settings = {
      account,
      overwrite: job.overwrite,
      importGroupId: job.groupId,
      lastLine: batch.records[batch.records.length - 1]?.line ?? job.checkpointLine,
      valuesOf: (line: number) => fieldsByLine.get(line),
      consent: { evidence: importEvidence(job), at: options.now() },
    };
    const done = await store.runBatch(current, account, options.now(), options.leaseMs, (tx) =>
      applyBatch(tx, rows, settings),
    );
    current = done.lease;
    options.onLease?.(current);
    renewedAt = options.now();
    counts = addCounts(counts, done.result);
    // With SQLite every query resolves without real I/O: without this the whole import would run as
    // one stretch of microtasks and the API would not answer until it ends.
    await nextTurn();
  };

  /** Starts normalising the batch in hand, commits the one before it, and keeps this one in flight. */
  const rotate = async (rowLayout: RowLayout): Promise<void> => {
    const batch: ReadBatch = {
      records,
      numbers: options.normaliseNumbers(
        records.map((r) => rawNumberOf(r, rowLayout)),
        account.defaultCountry,
      ),
    };
    batch.numbers.catch(() => undefined); // awaited in commit; a stop may leave it behind
    records = [];
    const previous = inFlight;
    inFlight = batch;
    if (previous) await commit(previous, rowLayout);
  };

  const runs = readCsvRecords(utf8Chunks(store.readChunks(job.id), job.encoding), job.delimiter);
  for await (const run of runs) {
    // Stopping drops what is read but not committed: the next run reads it again from the checkpoint.
    if (options.signal.aborted) return { outcome: 'stopped', lease: current, counts };
    for (const record of run) {
      if (!layout) {
        const columns = mapHeader(record.fields);
        if (!hasContactKey(columns))
          throw new ImportFailure('the header names neither a number nor an email');
        layout = { columns, headerFields: record.fields.length };
        continue;
      }
      if (record.line <= job.checkpointLine) continue; // committed by an earlier run
      records.push(record);
      if (records.length >= options.batchSize) await rotate(layout);
    }
    if (records.length === 0 && options.now() - renewedAt > options.leaseMs / 3) {
      // Reading past committed rows commits nothing: keep the lease alive meanwhile.
      current = await store.renewLease(current, options.now(), options.leaseMs);
      options.onLease?.(current);
      renewedAt = options.now();
    }
    await nextTurn(); // reading stored chunks is no real I/O either: let requests in
  }
  if (!layout) throw new ImportFailure('the file holds no header');
  if (records.length > 0) await rotate(layout);
  const last = inFlight;
  if (last) await commit(last, layout);
  return { outcome: 'done', lease: current, counts };
}

/** The consent log's evidence for the contacts an import creates: the import and its file. */
function importEvidence(job: ImportJob): string {
  return job.fileName ? `import ${job.id} (${job.fileName})` : `import ${job.id}`;
}
