import { decodeChunks } from './csv-encoding.js';
import { hasContactKey, mapHeader, type ColumnMap } from './csv-header.js';
import { readCsvRecords } from './csv-reader.js';
import { applyBatch } from './import-batch.js';
import { readImportRow, type ContactDraft, type RejectedRow } from './import-rows.js';
import {
  addCounts,
  type ImportAccount,
  type ImportCounts,
  type ImportJob,
  type ImportLease,
  type ImportStore,
} from './import-store.js';

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
  /** Aborted when the process stops: the run ends after the batch in hand is committed. */
  readonly signal: AbortSignal;
  /** Told of every renewed lease, so a caller handling a failure holds the current one. */
  readonly onLease?: (lease: ImportLease) => void;
}

export interface ImportRunResult {
  readonly outcome: 'done' | 'stopped';
  readonly lease: ImportLease;
  readonly counts: ImportCounts;
}

/**
 * Streams an import's stored chunks through the CSV parser and commits its rows batch by batch.
 * Rows up to the checkpoint were committed by an earlier run and are read past without effect, so a
 * run resumed after a crash counts every row exactly once.
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
  let header: { columns: ColumnMap; fields: number } | undefined;
  let batch: (ContactDraft | RejectedRow)[] = [];
  let batchLastLine = job.checkpointLine;

  const commit = async (): Promise<void> => {
    const rows = batch;
    batch = [];
    const settings = {
      account,
      overwrite: job.overwrite,
      importGroupId: job.groupId,
      lastLine: batchLastLine,
    };
    const done = await store.runBatch(current, account, options.now(), options.leaseMs, (tx) =>
      applyBatch(tx, rows, settings),
    );
    current = done.lease;
    options.onLease?.(current);
    renewedAt = options.now();
    counts = addCounts(counts, done.result);
  };

  const records = readCsvRecords(decodeChunks(store.readChunks(job.id), job.encoding), job.delimiter);
  for await (const record of records) {
    if (!header) {
      const columns = mapHeader(record.fields);
      if (!hasContactKey(columns)) throw new ImportFailure('the header names neither a number nor an email');
      header = { columns, fields: record.fields.length };
      continue;
    }
    if (record.line <= job.checkpointLine) {
      // Reading past committed rows commits nothing: keep the lease alive meanwhile.
      if (options.now() - renewedAt > options.leaseMs / 3) {
        current = await store.renewLease(current, options.now(), options.leaseMs);
        options.onLease?.(current);
        renewedAt = options.now();
      }
      continue;
    }
    batch.push(readImportRow(record, header.columns, header.fields, account.defaultCountry));
    batchLastLine = record.line;
    if (batch.length >= options.batchSize) {
      await commit();
      if (options.signal.aborted) return { outcome: 'stopped', lease: current, counts };
    }
  }
  if (!header) throw new ImportFailure('the file holds no header');
  if (batch.length > 0) await commit();
  return { outcome: 'done', lease: current, counts };
}
