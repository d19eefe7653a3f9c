import type { FastifyInstance } from 'fastify';
import type { BroadcastView } from '../../domain/broadcasts/broadcast-service.js';
import type { ImportJob } from '../../domain/ports/import-store.js';
import type { QueueStats } from '../../domain/ports/queue-stats.js';
import type { DashboardFigures, PeriodTotals } from '../../domain/messages/message-history-service.js';
import { HISTORY_STATUSES } from '../../domain/messages/message-history.js';
import { healthReport, type HealthReport } from '../../http/health.js';
import { html, jsonScript, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { fileLabel, statusLabel } from './import-common.js';
import { STATUS_KEYS } from './message-status.js';

const RECENT = 5;

const PERIODS = [
  ['today', 'dashboard.period.today'],
  ['week', 'dashboard.period.week'],
  ['month', 'dashboard.period.month'],
] as const satisfies readonly (readonly [keyof DashboardFigures, MessageKey])[];

/**
 * The dashboard, the home page after sign-in. Its figures come from message_counts (migration 014),
 * a rollup kept by triggers in the transactions that write messages, so the page reads a few
 * thousand rows whatever the account's size (10,000,000 messages, 1,000,000 in 30 days) and its
 * numbers are exactly what get_feed lists from the same local midnight. The queue depth is the
 * /metrics gauges' reading, the connectors what /health reports.
 */
export function registerDashboardPage(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  app.get('/', async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const accountId = signedIn(request).user.accountId;
    const [figures, queues, imports, broadcasts] = await Promise.all([
      ctx.messageHistory.dashboard(accountId, web.i18n.timeZone),
      ctx.queueStats.readQueueStats(),
      ctx.imports.list(accountId, RECENT),
      ctx.broadcasts.recent(accountId, RECENT),
    ]);
    const health = healthReport(ctx);
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('dashboard.title'),
        nav: 'dashboard',
        assets: ['uPlot.min.css', 'uPlot.iife.min.js', 'dashboard.js'],
        body: html`<h1>${t('dashboard.title')}</h1>
          <section aria-labelledby="periods">
            <h2 id="periods">${t('dashboard.periods')}</h2>
            <div class="periods">
              ${PERIODS.map(([period, key]) => periodCard(web, period, t(key), figures[period]))}
            </div>
            <p class="hint">
              ${t('dashboard.rateHint')} <a href="/messages">${t('dashboard.seeMessages')}</a>
            </p>
          </section>
          ${chartSection(web, figures)}
          <section aria-labelledby="platform">
            <h2 id="platform">${t('dashboard.platform')}</h2>
            <div class="dashboard-columns">${queueTable(web, queues)} ${connectorTable(web, health)}</div>
          </section>
          <div class="dashboard-columns">${importList(web, imports)} ${broadcastList(web, broadcasts)}</div>`,
      }),
    );
  });
}

function periodCard(web: WebState, period: string, title: string, totals: PeriodTotals): SafeHtml {
  const { t, number } = web.i18n;
  const figure = (key: MessageKey, name: string, value: string) =>
    html`<div>
      <dt>${t(key)}</dt>
      <dd data-figure="${name}">${value}</dd>
    </div>`;
  const rate =
    totals.deliveryRate === null
      ? t('dashboard.rateNone')
      : new Intl.NumberFormat(web.i18n.lang === 'fr' ? 'fr-CA' : 'en-CA', {
          style: 'percent',
          maximumFractionDigits: 1,
        }).format(totals.deliveryRate);
  return html`<article class="panel period" data-period="${period}">
    <h3>${title}</h3>
    <p class="muted small">${t('dashboard.since', { date: web.i18n.dateTime(totals.startAt) })}</p>
    <dl class="figures">
      ${figure('dashboard.sent', 'sent', number(totals.sent))}
      ${figure('dashboard.delivered', 'delivered', number(totals.delivered))}
      ${figure('dashboard.failed', 'failed', number(totals.failed))}
      ${figure('dashboard.pending', 'pending', number(totals.pending))}
      ${figure('dashboard.received', 'received', number(totals.received))}
      ${figure('dashboard.rate', 'rate', rate)}
    </dl>
  </article>`;
}

/** The chart's data for assets/web/dashboard.js, and the same figures as a table for everyone else. */
function chartSection(web: WebState, figures: DashboardFigures): SafeHtml {
  const { t, number } = web.i18n;
  const { hours, byStatus } = figures.hourly;
  const data = {
    timeZone: web.i18n.timeZone,
    locale: web.i18n.lang === 'fr' ? 'fr-CA' : 'en-CA',
    hours: hours.map((h) => h / 1000),
    series: HISTORY_STATUSES.map((status) => ({
      status,
      label: t(STATUS_KEYS[status]),
      values: byStatus[status],
    })),
  };
  const busy = hours.map((_, i) => i).filter((i) => HISTORY_STATUSES.some((s) => (byStatus[s][i] ?? 0) > 0));
  const hourFormat = new Intl.DateTimeFormat(data.locale, {
    timeZone: web.i18n.timeZone,
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
  });
  return html`<section aria-labelledby="chart-title">
    <h2 id="chart-title">${t('dashboard.chart')}</h2>
    <div class="chart" data-chart role="img" aria-label="${t('dashboard.chartLabel')}"></div>
    ${jsonScript('chart-data', data)}
    <noscript><p class="muted">${t('dashboard.chartNoScript')}</p></noscript>
    <details>
      <summary>${t('dashboard.chartTable')}</summary>
      <div class="table-wrap">
        <table class="chart-table">
          <thead>
            <tr>
              <th scope="col">${t('dashboard.hour')}</th>
              ${HISTORY_STATUSES.map((s) => html`<th scope="col">${t(STATUS_KEYS[s])}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${busy.map(
              (i) =>
                html`<tr>
                  <th scope="row">${hourFormat.format(hours[i] ?? 0)}</th>
                  ${HISTORY_STATUSES.map((s) => html`<td>${number(byStatus[s][i] ?? 0)}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </section>`;
}

function queueTable(web: WebState, queues: readonly QueueStats[]): SafeHtml {
  const { t, number } = web.i18n;
  return html`<div>
    <h3>${t('dashboard.queue')}</h3>
    <table class="queues">
      <thead>
        <tr>
          <th scope="col"></th>
          <th scope="col">${t('dashboard.queue.waiting')}</th>
          <th scope="col">${t('dashboard.queue.held')}</th>
          <th scope="col">${t('dashboard.queue.oldest')}</th>
        </tr>
      </thead>
      <tbody>
        ${queues.map(
          (q) =>
            html`<tr data-queue="${q.queue}">
              <th scope="row">${t(`dashboard.queue.${q.queue}`)}</th>
              <td>${number(q.waiting)}</td>
              <td>${number(q.held)}</td>
              <td>
                ${q.oldestDueAt === null ? t('dashboard.queue.none') : web.i18n.dateTime(q.oldestDueAt)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const CONNECTOR_KEYS: Readonly<Record<string, MessageKey>> = {
  bound: 'dashboard.connector.bound',
  connecting: 'dashboard.connector.connecting',
  retrying: 'dashboard.connector.retrying',
  closed: 'dashboard.connector.closed',
  sandbox: 'dashboard.connector.sandbox',
  standby: 'dashboard.connector.standby',
};

function connectorTable(web: WebState, health: HealthReport): SafeHtml {
  const { t } = web.i18n;
  const connectors = health.sms.connectors;
  return html`<div>
    <h3>${t('dashboard.connectors', { transport: health.sms.transport })}</h3>
    ${
      connectors.length === 0
        ? html`<p class="muted">${t('dashboard.connector.none')}</p>`
        : html`<table class="connectors">
            <thead>
              <tr>
                <th scope="col">${t('dashboard.connector.name')}</th>
                <th scope="col">${t('dashboard.connector.state')}</th>
              </tr>
            </thead>
            <tbody>
              ${connectors.map((c) => {
                const key = CONNECTOR_KEYS[c.state];
                return html`<tr data-connector="${c.name}" data-state="${c.state}">
                  <th scope="row">${c.name}</th>
                  <td>
                    ${key ? t(key) : c.state}${
                      // The sandbox's state says it all, in the reader's language; others' details are technical.
                      c.detail && c.state !== 'sandbox' ? html` <span class="muted">(${c.detail})</span>` : ''
                    }
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
  </div>`;
}

function importList(web: WebState, imports: readonly ImportJob[]): SafeHtml {
  const { t } = web.i18n;
  return html`<section aria-labelledby="recent-imports">
    <h2 id="recent-imports">${t('dashboard.imports')}</h2>
    ${
      imports.length === 0
        ? html`<p class="muted">${t('dashboard.imports.none')}</p>`
        : html`<ul class="plain recent">
            ${imports.map(
              (job) =>
                html`<li>
                  <a href="${job.status === 'draft' ? `/imports/${job.id}/preview` : `/imports/${job.id}`}"
                    >${fileLabel(web, job)}</a
                  >
                  · ${statusLabel(web, job)} · <span class="muted">${web.i18n.dateTime(job.createdAt)}</span>
                </li>`,
            )}
          </ul>`
    }
    <p><a href="/imports">${t('dashboard.imports.all')}</a></p>
  </section>`;
}

function broadcastList(web: WebState, broadcasts: readonly Omit<BroadcastView, 'messages'>[]): SafeHtml {
  const { t } = web.i18n;
  return html`<section aria-labelledby="recent-broadcasts">
    <h2 id="recent-broadcasts">${t('dashboard.broadcasts')}</h2>
    ${
      broadcasts.length === 0
        ? html`<p class="muted">${t('dashboard.broadcasts.none')}</p>`
        : html`<ul class="plain recent">
            ${broadcasts.map(
              ({ broadcast, counters }) =>
                html`<li data-broadcast="${String(broadcast.id)}">
                  <a href="/broadcasts/${broadcast.id}">${broadcast.name}</a>
                  · ${t(`dashboard.broadcast.${broadcast.status}`)} ·
                  <span class="muted"
                    >${t('dashboard.broadcast.counts', {
                      delivered: counters.delivered,
                      failed: counters.failed,
                      total: broadcast.smsTotal,
                    })}</span
                  >
                </li>`,
            )}
          </ul>`
    }
    <p><a href="/broadcasts">${t('dashboard.broadcasts.all')}</a></p>
  </section>`;
}
