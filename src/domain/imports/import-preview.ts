import { utf8Chunks } from './csv-encoding.js';
import { mapHeader, type ColumnMap } from './csv-header.js';
import { readCsvRecords } from './csv-reader.js';
import type { ImportJob, ImportStore, RejectedRowRecord } from '../ports/import-store.js';

/** How many data rows the preview shows. */
export const PREVIEW_ROWS = 5;

/** What the importer will make of an uploaded file, before it starts. */
export interface ImportPreview {
  readonly job: ImportJob;
  /** The header's fields, in file order. */
  readonly header: readonly string[];
  /** The importer's own reading of the header (mapHeader): which column fills which contact field. */
  readonly columns: ColumnMap;
  /** The first data rows, as the importer will read them. */
  readonly rows: readonly (readonly string[])[];
}

/**
 * Reads the header and the first rows of a stored upload through the importer's own reader
 * (encoding, delimiter, quoting), so the preview shows exactly what the import will read.
 */
export async function previewImport(store: ImportStore, job: ImportJob): Promise<ImportPreview> {
  let header: readonly string[] | undefined;
  const rows: (readonly string[])[] = [];
  const records = readCsvRecords(utf8Chunks(store.readChunks(job.id), job.encoding), job.delimiter);
  reading: for await (const run of records) {
    for (const record of run) {
      if (header === undefined) header = record.fields;
      else rows.push(record.fields);
      if (rows.length >= PREVIEW_ROWS) break reading;
    }
  }
  const fields = header ?? job.header ?? [];
  return { job, header: fields, columns: mapHeader(fields), rows };
}

/** Rows of the error report read per query. */
const REPORT_PAGE = 1000;

/** Every kept rejected row of an import, in line order, page by page (never the whole list in memory). */
export async function* rejectedRows(store: ImportStore, importId: number): AsyncGenerator<RejectedRowRecord> {
  let after = 0;
  for (;;) {
    const page = await store.listRejectedRows(importId, after, REPORT_PAGE);
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < REPORT_PAGE) return;
    after = last.id;
  }
}
