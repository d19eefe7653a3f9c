import type { Logger } from '../ports/logger.js';
import {
  LeaseLost,
  type ImportJob,
  type ImportLease,
  type ImportStore,
  type RejectedRowRecord,
} from '../ports/import-store.js';
import { renderImportReport, REPORTED_ERRORS } from './import-report.js';
import { previewImport, rejectedRows, type ImportPreview } from './import-preview.js';
import { findImport, importOfAccount, startImport, type ImportRequest } from './import-requests.js';
import type { NumberNormaliser, RejectedRow } from './import-rows.js';
import { ImportFailure, runImport } from './import-run.js';

export interface ImportSettings {
  /** How long a claim holds; renewed by every committed batch. */
  readonly leaseMs: number;
  /** Rows per transaction. */
  readonly batchSize?: number;
  /** Unexpected failures of one import (in this process) before it is marked failed. */
  readonly maxAttempts?: number;
  /** The From address of reports when the account has none. */
  readonly mailFrom: string;
}

export interface ImportServiceDeps {
  readonly store: ImportStore;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: ImportSettings;
  /** Wakes the email dispatcher once a report is queued. */
  readonly onReportQueued: () => void;
}

/** Uploads are stored in chunks of this size: a 50 MB file never travels to the database in one piece. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;

/** A web upload neither started nor cancelled within a day is dropped with its bytes. */
export const DRAFT_LIFETIME_MS = 24 * 3600 * 1000;

const RETRY_DELAY_MS = 5_000;
const REPORT_RETRY_DELAY_MS = 60_000;

/**
 * The CSV import (contract §4.4). import_contacts stores the upload whole and answers; the
 * importer then claims one import at a time with a lease (pending ones, or any whose worker died),
 * streams its stored chunks through the parser, and commits batches of rows — each batch with the
 * checkpoint and the counters, so a killed process resumes exactly where it was. When the rows are
 * done the import is marked completed, then the report is queued for the email dispatcher with
 * `report_sent_at`, in one transaction under the lease: a crash in between queues the report on
 * resume, and only one worker ever queues it.
 */
export class ImportService {
  private readonly attempts = new Map<number, number>();

  constructor(private readonly deps: ImportServiceDeps) {}

  /** import_contacts: checks the request, stores the upload; returns the report address and the id. */
  start(request: Omit<ImportRequest, 'now'>): Promise<{ email: string; importId: number }> {
    return startImport(this.deps.store, { ...request, now: this.deps.now() }, IMPORT_CHUNK_BYTES);
  }

  /** get_import: the account's import with its first rejected rows. */
  find(accountId: number, rawId: string | undefined): Promise<{ job: ImportJob; errors: RejectedRow[] }> {
    return findImport(this.deps.store, accountId, rawId);
  }

  /**
   * The web page's upload: the same checks as import_contacts, the bytes stored the same way, but
   * kept as a draft that the importer leaves alone until `confirm`. Old drafts are dropped here.
   */
  async upload(request: Omit<ImportRequest, 'now'>): Promise<{ importId: number }> {
    const now = this.deps.now();
    await this.deps.store.deleteDraftsBefore(now - DRAFT_LIFETIME_MS);
    const { importId } = await startImport(this.deps.store, { ...request, now }, IMPORT_CHUNK_BYTES, true);
    return { importId };
  }

  /** One import of the account (importNotFound for another account's id). */
  get(accountId: number, importId: number): Promise<ImportJob> {
    return importOfAccount(this.deps.store, accountId, importId);
  }

  /** The account's imports, newest first; `beforeId` pages to older ones. */
  list(accountId: number, limit: number, beforeId?: number): Promise<ImportJob[]> {
    return this.deps.store.listImports(accountId, limit, beforeId);
  }

  /** A draft's header, the importer's mapping of it, and its first rows. */
  async preview(accountId: number, importId: number): Promise<ImportPreview> {
    const job = await this.get(accountId, importId);
    return previewImport(this.deps.store, job);
  }

  /**
   * Starts a draft: from now on it is the job import_contacts would have created (pending, claimed by
   * the importer, reported to its report address). Starting one already started changes nothing.
   */
  async confirm(accountId: number, importId: number): Promise<ImportJob> {
    await this.get(accountId, importId);
    await this.deps.store.confirmDraft(accountId, importId);
    return this.get(accountId, importId);
  }

  /** Cancels a draft: it and its bytes are deleted. Returns false when it had already started. */
  async cancel(accountId: number, importId: number): Promise<boolean> {
    await this.get(accountId, importId);
    return this.deps.store.deleteDraft(accountId, importId);
  }

  /** The rejected rows kept for the error report, with their values, in line order. */
  async *rejectedRows(accountId: number, importId: number): AsyncGenerator<RejectedRowRecord> {
    await this.get(accountId, importId);
    yield* rejectedRows(this.deps.store, importId);
  }

  /**
   * Claims one import and works on it until done or `stopping` (then it is handed back to resume at
   * once); false when none was waiting.
   */
  async importNext(stopping: AbortSignal, normaliseNumbers: NumberNormaliser): Promise<boolean> {
    const claim = await this.deps.store.claimImport(this.deps.now(), this.deps.settings.leaseMs);
    if (!claim) return false;
    await this.handle(claim.job, claim.lease, stopping, normaliseNumbers);
    return true;
  }

  private async handle(
    job: ImportJob,
    lease: ImportLease,
    stopping: AbortSignal,
    normaliseNumbers: NumberNormaliser,
  ): Promise<void> {
    const { store, settings, now } = this.deps;
    const log = this.deps.log;
    let current = lease;
    let phase: 'rows' | 'report' = job.status === 'running' ? 'rows' : 'report';
    try {
      if (phase === 'rows') {
        const account = await store.findAccount(job.accountId);
        if (!account) throw new ImportFailure('the account no longer exists');
        log.info({ importId: job.id, fromLine: job.checkpointLine }, 'importer: importing');
        const result = await runImport(store, job, account, current, {
          batchSize: settings.batchSize ?? 1000,
          leaseMs: settings.leaseMs,
          now,
          signal: stopping,
          normaliseNumbers,
          onLease: (renewed) => {
            current = renewed;
          },
        });
        current = result.lease;
        if (result.outcome === 'stopped') {
          await store.releaseLease(current, now()); // the next start goes on at once
          log.info({ importId: job.id, counts: result.counts }, 'importer: stopped, will resume');
          return;
        }
        await store.finishImport(current, 'completed', null, now());
        this.attempts.delete(job.id);
        log.info({ importId: job.id, counts: result.counts }, 'importer: completed');
        phase = 'report';
      }
      await this.queueReport(job.id, job.accountId, current);
    } catch (error) {
      await this.onFailure(job, current, phase, error);
    }
  }

  private async onFailure(
    job: ImportJob,
    lease: ImportLease,
    phase: 'rows' | 'report',
    error: unknown,
  ): Promise<void> {
    const { store, now, log } = this.deps;
    const importId = job.id;
    if (error instanceof LeaseLost) {
      log.warn({ importId }, 'importer: another worker took this import over');
      return;
    }
    try {
      if (phase === 'report') {
        // The rows are done; only the report is missing. It is queued again after a while.
        log.error({ importId, err: error }, 'importer: could not queue the report; will retry');
        await store.releaseLease(lease, now() + REPORT_RETRY_DELAY_MS);
        return;
      }
      const attempts = (this.attempts.get(job.id) ?? 0) + 1;
      this.attempts.set(job.id, attempts);
      const giveUp = error instanceof ImportFailure || attempts >= (this.deps.settings.maxAttempts ?? 5);
      log.error(
        { importId, err: error, attempts },
        giveUp ? 'importer: import failed' : 'importer: will retry',
      );
      if (!giveUp) {
        await store.releaseLease(lease, now() + RETRY_DELAY_MS);
        return;
      }
      const message = error instanceof ImportFailure ? error.message : 'unexpected error while importing';
      await store.finishImport(lease, 'failed', message, now());
      this.attempts.delete(job.id);
      await this.queueReport(job.id, job.accountId, lease);
    } catch (again) {
      log.error({ importId, err: again }, 'importer: could not record the failure; the lease will expire');
    }
  }

  private async queueReport(importId: number, accountId: number, lease: ImportLease): Promise<void> {
    const { store, now } = this.deps;
    const job = await store.findImport(accountId, importId);
    const account = await store.findAccount(accountId);
    if (!job || !account) return;
    const errors = await store.listErrors(importId, REPORTED_ERRORS);
    const report = renderImportReport(job, errors, account.defaultLanguage);
    await store.queueReport(lease, {
      accountId,
      kind: 'import_report',
      from: account.mailFrom ?? this.deps.settings.mailFrom,
      to: job.reportEmail,
      subject: report.subject,
      body: report.text,
      format: 'text',
      acceptedAt: now(),
    });
    this.deps.onReportQueued();
  }
}
