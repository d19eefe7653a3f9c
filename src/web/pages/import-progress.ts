import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { KEPT_ERRORS } from '../../domain/imports/import-report.js';
import { ROW_REASONS } from '../../domain/imports/import-rows.js';
import type { ImportJob, RejectedRowRecord } from '../../domain/ports/import-store.js';
import { notice } from '../components.js';
import { closeOnShutdown, sendCsv, streamPolledProgress } from '../event-stream.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { sendHtml, type WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';
import { fileLabel, statusLabel, withImport } from './import-common.js';
import { csvQuoted } from '../../domain/common/csv-cell.js';

/** How often the event stream reads the import's row (server side, per open page). */
export const PROGRESS_POLL_MS = 500;
const finished = (job: ImportJob): boolean => job.status === 'completed' || job.status === 'failed';

/** What the page shows of an import's progress, rendered in the reader's language and numbers. */
export interface ProgressView {
  readonly status: string;
  readonly statusText: string;
  readonly done: number;
  /** The bar's maximum: the rows the upload check counted (rows read so far for older imports). */
  readonly total: number;
  readonly percent: number;
  readonly progressText: string;
  readonly created: string;
  readonly updated: string;
  readonly skipped: string;
  readonly rejected: string;
  readonly finished: boolean;
}

export function progressView(web: WebState, job: ImportJob): ProgressView {
  const { t, number } = web.i18n;
  const done = job.counts.rowsRead;
  const total = Math.max(job.rowsTotal ?? done, done);
  const percent = total > 0 ? Math.floor((done * 100) / total) : finished(job) ? 100 : 0;
  return {
    status: job.status,
    statusText: statusLabel(web, job),
    done,
    total,
    percent,
    progressText: t('imports.progress.text', { done, total, percent }),
    created: number(job.counts.created),
    updated: number(job.counts.updated),
    skipped: number(job.counts.skipped),
    rejected: number(job.counts.rejected),
    finished: finished(job),
  };
}

/** The progress page, its event stream, and the error report. */
export function registerImportProgress(app: FastifyInstance, deps: WebDeps): void {
  const { ctx } = deps;
  const streams = closeOnShutdown(app);

  app.get('/imports/:id', async (request, reply) =>
    withImport(deps, request, reply, async (accountId, importId) => {
      const job = await ctx.imports.get(accountId, importId);
      const query = new URLSearchParams(request.query as Record<string, string>).get('notice');
      return sendHtml(reply, progressPage(deps, webState(request), job, query === 'alreadyStarted'));
    }),
  );

  app.get('/imports/:id/events', async (request, reply) =>
    withImport(deps, request, reply, async (accountId, importId) => {
      const web = webState(request);
      return streamPolledProgress(request, reply, streams, {
        first: await ctx.imports.get(accountId, importId),
        read: () => ctx.imports.get(accountId, importId),
        render: (job) => ({ data: progressView(web, job), finished: finished(job) }),
        pollMs: PROGRESS_POLL_MS,
        logContext: { importId },
      });
    }),
  );

  app.get('/imports/:id/errors.csv', async (request, reply) =>
    withImport(deps, request, reply, async (accountId, importId) => {
      const web = webState(request);
      const job = await ctx.imports.get(accountId, importId);
      const rows = ctx.imports.rejectedRows(accountId, importId);
      return sendCsv(reply, `import-${job.id}-errors.csv`, Readable.from(errorReportCsv(web, job, rows)));
    }),
  );
}

function progressPage(deps: WebDeps, web: WebState, job: ImportJob, alreadyStarted: boolean): SafeHtml {
  const { t } = web.i18n;
  const view = progressView(web, job);
  const live = !view.finished;
  const title = t('imports.progress.title', { id: job.id });
  return deps.layout.page(web, {
    title,
    nav: 'import',
    notice: alreadyStarted ? notice('info', t('imports.alreadyStarted')) : undefined,
    body: html`<h1>${title}</h1>
      <p>${fileLabel(web, job)} · ${web.i18n.dateTime(job.createdAt)}</p>
      <section
        class="panel import-progress"
        ${live ? html`data-import-events="/imports/${job.id}/events"` : ''}
        aria-live="polite"
      >
        <p><strong data-import-field="statusText">${view.statusText}</strong></p>
        <progress
          id="import-bar"
          max="${view.total || 1}"
          value="${view.total === 0 && view.finished ? 1 : view.done}"
          aria-label="${t('imports.progress.label')}"
        >
          ${view.percent} %
        </progress>
        <p data-import-field="progressText">${view.progressText}</p>
        <dl class="counts">
          <div>
            <dt>${t('imports.col.created')}</dt>
            <dd data-import-field="created">${view.created}</dd>
          </div>
          <div>
            <dt>${t('imports.col.updated')}</dt>
            <dd data-import-field="updated">${view.updated}</dd>
          </div>
          <div>
            <dt>${t('imports.col.skipped')}</dt>
            <dd data-import-field="skipped">${view.skipped}</dd>
          </div>
          <div>
            <dt>${t('imports.col.rejected')}</dt>
            <dd data-import-field="rejected">${view.rejected}</dd>
          </div>
        </dl>
        ${
          job.status === 'draft'
            ? html`<p><a href="/imports/${job.id}/preview">${t('imports.progress.review')}</a></p>`
            : ''
        }
        ${
          live
            ? html`<p>
                ${job.status === 'pending' ? html`${t('imports.progress.waiting')} ` : ''}
                <a href="/imports/${job.id}">${t('imports.progress.refresh')}</a>
              </p>`
            : ''
        }
      </section>
      ${
        job.status === 'failed'
          ? notice(
              'error',
              html`${t('imports.progress.failed')} <br /><small
                  >${t('imports.progress.detail', { error: job.error ?? '' })}</small
                >`,
            )
          : ''
      }
      ${view.finished ? finishedPart(web, job) : html`<p>${t('imports.progress.report', { email: job.reportEmail })}</p>`}
      <p><a href="/imports">${t('imports.progress.another')}</a></p>`,
  });
}

function finishedPart(web: WebState, job: ImportJob): SafeHtml {
  const { t } = web.i18n;
  return html`${
    job.reportSentAt !== null
      ? html`<p>${t('imports.progress.reportSent', { email: job.reportEmail })}</p>`
      : html`<p>${t('imports.progress.report', { email: job.reportEmail })}</p>`
  }
  ${
    job.counts.rejected > 0
      ? html`<p>
            <a class="button" href="/imports/${job.id}/errors.csv" download
              >${t('imports.progress.errors')}</a
            >
          </p>
          ${
            job.counts.rejected > KEPT_ERRORS
              ? html`<p class="muted">${t('imports.progress.errorsKept', { kept: KEPT_ERRORS })}</p>`
              : ''
          }`
      : html`<p>${t('imports.progress.noErrors')}</p>`
  }`;
}

/**
 * The error report: a UTF-8 BOM (so Excel reads accents right), then one line per rejected row —
 * its line number, the reason in the reader's language, and the row's values under the file's own
 * header. It uses the uploaded file's delimiter: a file saved by a French-Canadian Excel (`;`) comes
 * back the way that Excel opens it, and once fixed it can be imported again as it is (the Line and
 * Reason columns are not contact columns, so the importer ignores them).
 */
export async function* errorReportCsv(
  web: WebState,
  job: ImportJob,
  rows: AsyncIterable<RejectedRowRecord>,
): AsyncGenerator<string> {
  const { t } = web.i18n;
  const d = job.delimiter;
  const line = (fields: readonly string[]): string => fields.map((f) => csvQuoted(f, d)).join(d) + '\r\n';
  yield '\uFEFF' + line([t('imports.csv.line'), t('imports.csv.reason'), ...(job.header ?? [])]);
  let batch = '';
  let count = 0;
  for await (const row of rows) {
    batch += line([String(row.line), rowReason(web, row.reason), ...row.values]);
    if (++count % 500 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

const REASON_KEYS: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  [ROW_REASONS.numberOrEmail, 'imports.reason.numberOrEmail'],
  [ROW_REASONS.number, 'imports.reason.number'],
  [ROW_REASONS.email, 'imports.reason.email'],
  [ROW_REASONS.nameTooLong, 'imports.reason.nameTooLong'],
  [ROW_REASONS.descriptionTooLong, 'imports.reason.descriptionTooLong'],
  [ROW_REASONS.groupTooLong, 'imports.reason.groupTooLong'],
  [ROW_REASONS.twoContacts, 'imports.reason.twoContacts'],
]);

/** A stored reason (the API's English text) in the reader's language. */
export function rowReason(web: WebState, reason: string): string {
  const { t } = web.i18n;
  const key = REASON_KEYS.get(reason);
  if (key) return t(key);
  const fields = /^wrong number of fields \(expected (\d+), found (\d+)\)$/.exec(reason);
  if (fields)
    return t('imports.reason.fieldCount', { expected: Number(fields[1]), found: Number(fields[2]) });
  const group = /^group (\d+) not found$/.exec(reason);
  if (group) return t('imports.reason.groupNotFound', { group: group[1] ?? '' });
  const zone = /^Invalid timezone: (.*) \(expected an IANA zone/.exec(reason);
  if (zone) return t('imports.reason.timeZone', { zone: zone[1] ?? '' });
  return reason;
}
