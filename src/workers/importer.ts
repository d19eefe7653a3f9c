import type { Logger } from 'pino';
import { renderImportReport, REPORTED_ERRORS } from '../domain/imports/import-report.js';
import { ImportFailure, runImport } from '../domain/imports/import-run.js';
import {
  LeaseLost,
  type ImportJob,
  type ImportLease,
  type ImportStore,
} from '../domain/ports/import-store.js';
import { PhoneThread } from './phone-thread.js';
import { sleep, type Worker } from './worker.js';

export interface ImporterOptions {
  /** How long a claim holds; renewed by every committed batch. */
  readonly leaseMs: number;
  /** How often an idle worker looks for new imports. */
  readonly pollMs?: number;
  /** Rows per transaction. */
  readonly batchSize?: number;
  /** Unexpected failures of one import (in this process) before it is marked failed. */
  readonly maxAttempts?: number;
  /** The From address when the account has none. */
  readonly mailFrom: string;
}

const RETRY_DELAY_MS = 5_000;
const REPORT_RETRY_DELAY_MS = 60_000;

/**
 * The CSV importer (contract §4.4). A loop that claims one import at a time with a lease (pending
 * ones, or any whose worker died), streams its stored chunks through the parser, and commits
 * batches of rows — each batch with the checkpoint and the counters, so a killed process resumes
 * exactly where it was. When the rows are done the import is marked completed, then the report is
 * queued for the email dispatcher with `report_sent_at`, in one transaction under the lease: a crash
 * in between queues the report on resume, and only one worker ever queues it.
 */
export class ImporterWorker implements Worker {
  readonly name = 'importer';
  private readonly abort = new AbortController();
  private readonly attempts = new Map<number, number>();
  private readonly phones = new PhoneThread();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: ImportStore,
    /** Wakes the email dispatcher once a report is queued. */
    private readonly onReportQueued: () => void,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly options: ImporterOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      let worked = false;
      try {
        worked = await this.tick();
      } catch (error) {
        this.log.error({ err: error }, 'importer: could not claim an import');
      }
      if (!worked) {
        await this.phones.close(); // idle: give the thread's memory back
        await sleep(this.options.pollMs ?? 500, this.abort.signal);
      }
    }
    await this.phones.close();
  }

  /** Claims and handles one import; false when there was none. */
  private async tick(): Promise<boolean> {
    const claim = await this.store.claimImport(this.now(), this.options.leaseMs);
    if (!claim) return false;
    await this.handle(claim.job, claim.lease);
    return true;
  }

  private async handle(job: ImportJob, lease: ImportLease): Promise<void> {
    const log = this.log.child({ importId: job.id });
    let current = lease;
    let phase: 'rows' | 'report' = job.status === 'running' ? 'rows' : 'report';
    try {
      if (phase === 'rows') {
        const account = await this.store.findAccount(job.accountId);
        if (!account) throw new ImportFailure('the account no longer exists');
        log.info({ fromLine: job.checkpointLine }, 'importer: importing');
        const result = await runImport(this.store, job, account, current, {
          batchSize: this.options.batchSize ?? 1000,
          leaseMs: this.options.leaseMs,
          now: this.now,
          signal: this.abort.signal,
          normaliseNumbers: this.phones.normalise,
          onLease: (renewed) => {
            current = renewed;
          },
        });
        current = result.lease;
        if (result.outcome === 'stopped') {
          await this.store.releaseLease(current, this.now()); // the next start goes on at once
          log.info({ counts: result.counts }, 'importer: stopped, will resume');
          return;
        }
        await this.store.finishImport(current, 'completed', null, this.now());
        this.attempts.delete(job.id);
        log.info({ counts: result.counts }, 'importer: completed');
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
    const log = this.log.child({ importId: job.id });
    if (error instanceof LeaseLost) {
      log.warn('importer: another worker took this import over');
      return;
    }
    try {
      if (phase === 'report') {
        // The rows are done; only the report is missing. It is queued again after a while.
        log.error({ err: error }, 'importer: could not queue the report; will retry');
        await this.store.releaseLease(lease, this.now() + REPORT_RETRY_DELAY_MS);
        return;
      }
      const attempts = (this.attempts.get(job.id) ?? 0) + 1;
      this.attempts.set(job.id, attempts);
      const giveUp = error instanceof ImportFailure || attempts >= (this.options.maxAttempts ?? 5);
      log.error({ err: error, attempts }, giveUp ? 'importer: import failed' : 'importer: will retry');
      if (!giveUp) {
        await this.store.releaseLease(lease, this.now() + RETRY_DELAY_MS);
        return;
      }
      const message = error instanceof ImportFailure ? error.message : 'unexpected error while importing';
      await this.store.finishImport(lease, 'failed', message, this.now());
      this.attempts.delete(job.id);
      await this.queueReport(job.id, job.accountId, lease);
    } catch (again) {
      log.error({ err: again }, 'importer: could not record the failure; the lease will expire');
    }
  }

  private async queueReport(importId: number, accountId: number, lease: ImportLease): Promise<void> {
    const job = await this.store.findImport(accountId, importId);
    const account = await this.store.findAccount(accountId);
    if (!job || !account) return;
    const errors = await this.store.listErrors(importId, REPORTED_ERRORS);
    const report = renderImportReport(job, errors, account.defaultLanguage);
    await this.store.queueReport(lease, {
      accountId,
      kind: 'import_report',
      from: account.mailFrom ?? this.options.mailFrom,
      to: job.reportEmail,
      subject: report.subject,
      body: report.text,
      format: 'text',
      acceptedAt: this.now(),
    });
    this.onReportQueued();
  }
}
