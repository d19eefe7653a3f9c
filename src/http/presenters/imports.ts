import { formatUtc } from '../../domain/common/dates.js';
import type { RejectedRow } from '../../domain/imports/import-rows.js';
import type { ImportJob } from '../../domain/ports/import-store.js';

/** get_import's object, fields in the documented order. */
export function presentImport(job: ImportJob, errors: readonly RejectedRow[]): object {
  return {
    id: job.id,
    status: job.status,
    rows_read: job.counts.rowsRead,
    created: job.counts.created,
    updated: job.counts.updated,
    skipped: job.counts.skipped,
    rejected: job.counts.rejected,
    errors: errors.map((e) => ({ line: e.line, reason: e.reason })),
    created_at: formatUtc(job.createdAt),
    finished_at: job.finishedAt === null ? null : formatUtc(job.finishedAt),
  };
}
