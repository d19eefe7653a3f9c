import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HistoryRow } from '../../domain/messages/message-history.js';
import { field, notice, selectField } from '../components.js';
import { sendCsv } from '../event-stream.js';
import { html, type SafeHtml } from '../html.js';
import { sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { accountScope } from './address-book-views.js';
import { historyCsv } from './messages-csv.js';
import {
  cursorParam,
  filterForm,
  filterQuery,
  parseFilters,
  type MessageFilterForm,
  type ParsedFilters,
} from './message-filters.js';
import { statusCell, STATUS_KEYS } from './message-status.js';

const PAGE_SIZE = 50;

function queryOf(request: FastifyRequest): URLSearchParams {
  return new URLSearchParams(request.query as Record<string, string>);
}

/** The messages view: the account's messages, filtered, in keyset pages of 50, and their CSV export. */
export function registerMessagesPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;

  const parse = async (request: FastifyRequest): Promise<[MessageFilterForm, ParsedFilters]> => {
    const query = queryOf(request);
    const form = filterForm(query);
    const scope = await accountScope(ctx, request);
    const web = webState(request);
    const parsed = parseFilters(scope.id, form, (query.get('before') ?? '').trim(), {
      timeZone: web.i18n.timeZone,
      country: scope.defaultCountry,
    });
    return [form, parsed];
  };

  // The page and the export refuse the same filters the same way: the form again, with what is wrong.
  const badFilters = (
    web: WebState,
    form: MessageFilterForm,
    errors: Extract<ParsedFilters, { ok: false }>['errors'],
  ) => {
    const { t } = web.i18n;
    const messages = [...new Set(Object.values(errors))].map((key) => t(key));
    return layout.page(web, {
      title: t('history.title'),
      nav: 'messages',
      notice: notice('error', html`${messages.map((m) => html`<p>${m}</p>`)}`),
      body: html`<h1>${t('history.title')}</h1>
        ${filtersForm(web, form, errors)}`,
    });
  };

  app.get('/messages', async (request, reply) => {
    const web = webState(request);
    signedIn(request);
    const [form, parsed] = await parse(request);
    if (!parsed.ok) return sendHtml(reply, badFilters(web, form, parsed.errors), 400);
    const rows = await ctx.messageHistory.list({ ...parsed.filter, limit: PAGE_SIZE + 1 });
    const shown = rows.slice(0, PAGE_SIZE);
    const last = shown[shown.length - 1];
    const older =
      rows.length > PAGE_SIZE && last ? cursorParam({ createdAt: last.created_at, id: last.id }) : undefined;
    return sendHtml(
      reply,
      listPage(deps, web, form, shown, { older, paged: parsed.filter.before !== undefined }),
    );
  });

  app.get('/messages/export.csv', async (request, reply) => {
    const web = webState(request);
    const [form, parsed] = await parse(request);
    if (!parsed.ok) return sendHtml(reply, badFilters(web, form, parsed.errors), 400);
    // The whole filtered range, not the page the reader was on.
    const { before: _page, ...filter } = parsed.filter;
    const day = new Date(ctx.now()).toISOString().slice(0, 10);
    return sendCsv(
      reply,
      `messages-${day}.csv`,
      Readable.from(historyCsv(web, ctx.messageHistory.exportRows(filter))),
    );
  });
}

function filtersForm(
  web: WebState,
  form: MessageFilterForm,
  errors: Partial<Record<string, Parameters<WebState['i18n']['t']>[0]>> = {},
): SafeHtml {
  const { t } = web.i18n;
  const error = (name: string) => {
    const key = errors[name];
    return key ? t(key) : undefined;
  };
  return html`<form method="get" action="/messages" role="search" class="filters row message-filters">
    ${field({ name: 'number', label: t('history.number'), type: 'tel', value: form.number, hint: t('history.numberHint'), error: error('number') })}
    ${selectField({
      name: 'direction',
      label: t('history.direction'),
      selected: form.direction,
      choices: [
        { value: '', label: t('history.direction.all') },
        { value: 'mt', label: t('history.direction.mt') },
        { value: 'mo', label: t('history.direction.mo') },
      ],
    })}
    ${selectField({
      name: 'status',
      label: t('history.status'),
      selected: form.status,
      choices: [
        { value: '', label: t('history.status.all') },
        ...(['delivered', 'failed', 'sent', 'queued', 'received'] as const).map((s) => ({
          value: s,
          label: t(STATUS_KEYS[s]),
        })),
      ],
    })}
    ${field({ name: 'from', label: t('history.from'), value: form.from, error: error('from'), attrs: html`type="date"` })}
    ${field({ name: 'to', label: t('history.to'), value: form.to, error: error('to'), attrs: html`type="date"` })}
    <div class="field actions">
      <button type="submit" class="button primary">${t('history.apply')}</button>
      <a href="/messages">${t('history.reset')}</a>
    </div>
  </form>`;
}

function listPage(
  deps: WebDeps,
  web: WebState,
  form: MessageFilterForm,
  rows: readonly HistoryRow[],
  pages: { readonly older: string | undefined; readonly paged: boolean },
): SafeHtml {
  const { t } = web.i18n;
  return deps.layout.page(web, {
    title: t('history.title'),
    nav: 'messages',
    body: html`<div class="page-head">
        <h1>${t('history.title')}</h1>
        <a class="button" href="/messages/export.csv${filterQuery(form)}" download>${t('history.export')}</a>
      </div>
      <p class="muted">${t('history.intro')} ${t('history.timeZone', { zone: web.i18n.timeZone })}</p>
      ${filtersForm(web, form)}
      ${
        rows.length === 0
          ? html`<p class="muted" data-empty>${t('history.empty')}</p>`
          : html`<div class="table-wrap">
              <table class="messages">
                <thead>
                  <tr>
                    <th scope="col">${t('history.col.when')}</th>
                    <th scope="col">${t('history.col.direction')}</th>
                    <th scope="col">${t('history.col.from')}</th>
                    <th scope="col">${t('history.col.to')}</th>
                    <th scope="col">${t('history.col.message')}</th>
                    <th scope="col" class="hide-narrow">${t('history.col.parts')}</th>
                    <th scope="col">${t('history.col.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map((row) => messageRow(web, row))}
                </tbody>
              </table>
            </div>`
      }
      <div class="pager">
        ${pages.paged ? html`<a href="/messages${filterQuery(form)}">${t('history.newest')}</a>` : ''}
        ${pages.older ? html`<a href="/messages${filterQuery(form, { before: pages.older })}">${t('history.older')}</a>` : ''}
      </div>`,
  });
}

function messageRow(web: WebState, row: HistoryRow): SafeHtml {
  const { t } = web.i18n;
  return html`<tr data-id="${String(row.id)}" data-direction="${row.direction}">
    <td class="when">${web.i18n.dateTime(row.created_at)}</td>
    <td>${t(row.direction === 'mo' ? 'history.dir.mo' : 'history.dir.mt')}</td>
    <td class="number">${row.from_number}</td>
    <td class="number">${row.to_number}</td>
    <td class="body">${row.body}</td>
    <td class="hide-narrow">${web.i18n.number(row.part_count)}</td>
    <td class="status">${statusCell(web, row)}</td>
  </tr>`;
}
