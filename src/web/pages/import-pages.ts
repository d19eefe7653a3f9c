import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ContactColumn } from '../../domain/imports/csv-header.js';
import type { ImportPreview } from '../../domain/imports/import-preview.js';
import type { ImportJob } from '../../domain/ports/import-store.js';
import { DomainError } from '../../domain/errors.js';
import { notice, postButton, selectField } from '../components.js';
import { wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { fileLabel, statusLabel, withImport } from './import-common.js';
import { readImportUpload } from './import-upload.js';
import { registerImportProgress } from './import-progress.js';

const PAGE_SIZE = 25;

const FIELD_KEYS: Readonly<Record<ContactColumn, MessageKey>> = {
  number: 'imports.field.number',
  email: 'imports.field.email',
  name: 'imports.field.name',
  description: 'imports.field.description',
  language: 'imports.field.language',
  groups: 'imports.field.groups',
  timezone: 'imports.field.timezone',
};

const NOTICES: Readonly<Record<string, MessageKey>> = {
  cancelled: 'imports.cancelled',
  alreadyStarted: 'imports.alreadyStarted',
};

/** The form's choices as the user left them (kept when the form comes back with an error). */
interface UploadChoices {
  readonly group: string;
  readonly overwrite: string;
  readonly email: string;
}

/** The import pages: the list and upload form, the preview, start and cancel. Progress: import-progress.ts. */
export function registerImportPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;

  const listPage = async (
    request: FastifyRequest,
    options: { choices?: UploadChoices; error?: string; beforeId?: number } = {},
  ): Promise<SafeHtml> => {
    const web = webState(request);
    const { t } = web.i18n;
    const session = signedIn(request);
    const accountId = session.user.accountId;
    const [imports, groups, users] = await Promise.all([
      ctx.imports.list(accountId, PAGE_SIZE + 1, options.beforeId),
      ctx.addressBook.listGroups(accountId),
      ctx.users.listUsers(accountId),
    ]);
    const shown = imports.slice(0, PAGE_SIZE);
    const older = imports.length > PAGE_SIZE ? shown[shown.length - 1]?.id : undefined;
    const choices = options.choices ?? { group: '', overwrite: '0', email: session.user.email };
    const query = new URLSearchParams(request.query as Record<string, string>).get('notice') ?? '';
    const noticeKey = NOTICES[query];
    return layout.page(web, {
      title: t('imports.title'),
      nav: 'import',
      notice: options.error
        ? notice('error', options.error)
        : noticeKey
          ? notice('success', t(noticeKey))
          : undefined,
      body: html`<h1>${t('imports.title')}</h1>
        <section class="panel">
          <h2>${t('imports.upload.title')}</h2>
          <p>${t('imports.upload.intro')}</p>
          <form
            method="post"
            action="/imports?_csrf=${encodeURIComponent(web.csrf)}"
            enctype="multipart/form-data"
            class="stack"
          >
            <div class="dropzone field" data-dropzone>
              <label for="f-file">${t('imports.upload.file')}</label>
              <p id="f-file-drop">${t('imports.upload.drop')}</p>
              <input
                id="f-file"
                name="file"
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                required
                aria-describedby="f-file-drop f-file-hint"
              />
              <p class="hint" id="f-file-hint">${t('imports.upload.fileHint')}</p>
            </div>
            ${selectField({
              name: 'group',
              label: t('imports.upload.group'),
              selected: choices.group,
              choices: [
                { value: '', label: t('imports.upload.noGroup') },
                ...groups
                  .filter((g) => g.systemKind === null)
                  .map((g) => ({ value: String(g.id), label: g.name })),
              ],
            })}
            ${selectField({
              name: 'overwrite',
              label: t('imports.upload.overwrite'),
              selected: choices.overwrite,
              choices: [
                { value: '0', label: t('imports.upload.overwriteNo') },
                { value: '1', label: t('imports.upload.overwriteYes') },
              ],
            })}
            ${selectField({
              name: 'email',
              label: t('imports.upload.email'),
              selected: choices.email,
              choices: users.map((u) => ({
                value: u.email,
                label: u.name ? `${u.name} <${u.email}>` : u.email,
              })),
            })}
            <button type="submit" class="button primary">${t('imports.upload.submit')}</button>
          </form>
        </section>
        <section>
          <h2>${t('imports.list.title')}</h2>
          ${
            shown.length === 0
              ? html`<p class="muted">${t('imports.list.empty')}</p>`
              : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t('imports.col.file')}</th>
                        <th scope="col" class="hide-narrow">${t('imports.col.when')}</th>
                        <th scope="col">${t('imports.col.status')}</th>
                        <th scope="col">${t('imports.col.rows')}</th>
                        <th scope="col" class="hide-narrow">${t('imports.col.created')}</th>
                        <th scope="col" class="hide-narrow">${t('imports.col.updated')}</th>
                        <th scope="col" class="hide-narrow">${t('imports.col.skipped')}</th>
                        <th scope="col">${t('imports.col.rejected')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${shown.map((job) => importRow(web, job))}
                    </tbody>
                  </table>
                </div>`
          }
          <div class="pager">
            ${options.beforeId !== undefined ? html`<a href="/imports">${t('imports.list.newest')}</a>` : ''}
            ${older !== undefined ? html`<a href="/imports?before=${older}">${t('imports.list.older')}</a>` : ''}
          </div>
        </section>`,
    });
  };

  app.get('/imports', async (request, reply) => {
    const before = new URLSearchParams(request.query as Record<string, string>).get('before');
    return sendHtml(reply, await listPage(request, { beforeId: wholeNumber(before) }));
  });

  app.post('/imports', async (request, reply) => {
    const web = webState(request);
    const accountId = signedIn(request).user.accountId;
    let choices: UploadChoices = { group: '', overwrite: '0', email: signedIn(request).user.email };
    let upload;
    try {
      upload = await readImportUpload(request);
      choices = {
        group: upload.fields.get('group') ?? '',
        overwrite: upload.fields.get('overwrite') ?? '0',
        email: upload.fields.get('email') ?? '',
      };
      const { importId } = await ctx.imports.upload({
        accountId,
        upload: upload.file?.source,
        fileText: undefined,
        email: choices.email,
        overwrite: choices.overwrite,
        group: choices.group,
        fileName: upload.file?.name,
      });
      return redirect(reply, `/imports/${importId}/preview`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const status = error.id === 'request_body_too_large' ? 413 : 400;
      return sendHtml(reply, await listPage(request, { choices, error: web.i18n.error(error) }), status);
    } finally {
      await upload?.dispose();
    }
  });

  app.get('/imports/:id/preview', async (request, reply) =>
    withImport(deps, request, reply, async (accountId, importId) => {
      const job = await ctx.imports.get(accountId, importId);
      if (job.status !== 'draft') return redirect(reply, `/imports/${job.id}`);
      const preview = await ctx.imports.preview(accountId, importId);
      const groups = job.groupId === null ? [] : await ctx.addressBook.listGroups(accountId);
      const group = groups.find((g) => g.id === job.groupId)?.name;
      return sendHtml(reply, previewPage(deps, webState(request), preview, group));
    }),
  );

  app.post('/imports/:id/start', async (request, reply) =>
    withImport(deps, request, reply, async (accountId, importId) => {
      await ctx.imports.confirm(accountId, importId);
      return redirect(reply, `/imports/${importId}`);
    }),
  );

  app.post('/imports/:id/cancel', async (request, reply) =>
    withImport(deps, request, reply, async (accountId, importId) => {
      const cancelled = await ctx.imports.cancel(accountId, importId);
      return redirect(
        reply,
        cancelled ? '/imports?notice=cancelled' : `/imports/${importId}?notice=alreadyStarted`,
      );
    }),
  );

  registerImportProgress(app, deps);
}

function importRow(web: WebState, job: ImportJob): SafeHtml {
  const { t, number } = web.i18n;
  const href = job.status === 'draft' ? `/imports/${job.id}/preview` : `/imports/${job.id}`;
  const total = job.rowsTotal ?? job.counts.rowsRead;
  return html`<tr>
    <th scope="row"><a href="${href}">${fileLabel(web, job)}</a></th>
    <td class="hide-narrow">${web.i18n.dateTime(job.createdAt)}</td>
    <td>${statusLabel(web, job)}</td>
    <td>${t('imports.rowsOf', { done: job.counts.rowsRead, total })}</td>
    <td class="hide-narrow">${number(job.counts.created)}</td>
    <td class="hide-narrow">${number(job.counts.updated)}</td>
    <td class="hide-narrow">${number(job.counts.skipped)}</td>
    <td>${number(job.counts.rejected)}</td>
  </tr>`;
}

function previewPage(
  deps: WebDeps,
  web: WebState,
  preview: ImportPreview,
  group: string | undefined,
): SafeHtml {
  const { t } = web.i18n;
  const { job, header, columns, rows } = preview;
  const fieldAt = new Map<number, ContactColumn>();
  for (const [column, index] of Object.entries(columns) as [ContactColumn, number][]) {
    fieldAt.set(index, column);
  }
  return deps.layout.page(web, {
    title: t('imports.preview.title'),
    nav: 'import',
    body: html`<h1>${t('imports.preview.title')}</h1>
      <p>${t('imports.preview.summary', { rows: job.rowsTotal ?? 0, file: fileLabel(web, job) })}</p>
      <p>
        ${t('imports.preview.settings', {
          group: group ?? t('imports.upload.noGroup'),
          overwrite: t(job.overwrite ? 'imports.upload.overwriteYes' : 'imports.upload.overwriteNo'),
          email: job.reportEmail,
        })}
      </p>
      <section>
        <h2>${t('imports.preview.mapping')}</h2>
        <div class="table-wrap">
          <table class="mapping">
            <thead>
              <tr>
                <th scope="col">${t('imports.preview.column')}</th>
                <th scope="col">${t('imports.preview.becomes')}</th>
              </tr>
            </thead>
            <tbody>
              ${header.map((name, index) => {
                const column = fieldAt.get(index);
                return html`<tr data-column="${column ?? ''}">
                  <th scope="row">${name}</th>
                  <td>
                    ${
                      column
                        ? html`<strong>${t(FIELD_KEYS[column])}</strong>`
                        : html`<span class="muted">${t('imports.preview.ignored')}</span>`
                    }
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h2>${t('imports.preview.rows')}</h2>
        ${
          rows.length === 0
            ? html`<p class="muted">${t('imports.preview.noRows')}</p>`
            : html`<div class="table-wrap">
                <table class="preview-rows">
                  <thead>
                    <tr>
                      ${header.map((name) => html`<th scope="col">${name}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${rows.map(
                      (row) =>
                        html`<tr>
                          ${row.map((value) => html`<td>${value}</td>`)}
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <div class="row import-actions">
        ${postButton(web, `/imports/${job.id}/start`, t('imports.preview.start'), {
          className: 'button primary',
        })}
        ${postButton(web, `/imports/${job.id}/cancel`, t('imports.preview.cancel'), { className: 'button' })}
      </div>`,
  });
}
