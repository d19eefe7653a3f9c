import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BroadcastPreview } from '../../domain/broadcasts/broadcast-review.js';
import type { BroadcastView } from '../../domain/broadcasts/broadcast-service.js';
import { DomainError } from '../../domain/errors.js';
import type { FailureGroup } from '../../domain/ports/broadcast-report-store.js';
import { segmentMessage } from '../../domain/sms/segments.js';
import { csrfField, field, notice, postButton } from '../components.js';
import { formParams } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';
import { accountScope, languageName, pageNotice } from './address-book-views.js';
import { failureName } from './broadcast-failures.js';
import { liveCounters, partsText, smsBlock, statusTag, withBroadcast } from './broadcast-views.js';

/** /broadcasts/:id: the broadcast, its live counters, failures, preview and test, cancel. */

const DETAIL_NOTICES = {
  saved: 'broadcasts.saved',
  tested: 'broadcasts.tested',
  started: 'broadcasts.started',
  scheduled: 'broadcasts.scheduledDone',
  unscheduled: 'broadcasts.unscheduled',
} as const;

interface DetailOptions {
  readonly preview?: BroadcastPreview;
  readonly contact?: string;
  readonly error?: string;
}

export function registerBroadcastDetail(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;
  const service = ctx.broadcasts;

  const detail = async (
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: number,
    id: string,
    options: DetailOptions,
  ) => {
    const web = webState(request);
    const { t, dateTime } = web.i18n;
    const view = await service.summary(accountId, id);
    const { broadcast } = view;
    const started = broadcast.status !== 'pending';
    const failures = started ? await service.failures(accountId, id) : [];
    const texts = broadcast.texts;
    return sendHtml(
      reply,
      layout.page(web, {
        title: broadcast.name,
        nav: 'broadcasts',
        notice: options.error ? notice('error', options.error) : pageNotice(web, request, DETAIL_NOTICES),
        body: html`<h1>${broadcast.name} ${statusTag(web, broadcast)}</h1>
          <dl class="facts">
            <div>
              <dt>${t('broadcasts.groups')}</dt>
              <dd>${broadcast.groupNames.join(', ')}</dd>
            </div>
            <div>
              <dt>
                ${broadcast.status === 'pending' ? t('broadcasts.scheduledFor') : t('broadcasts.col.launch')}
              </dt>
              <dd data-launch>
                ${broadcast.launchDate !== null ? dateTime(broadcast.launchDate) : t('broadcasts.notScheduled')}
              </dd>
            </div>
            ${
              broadcast.endDate !== null
                ? html`<div>
                    <dt>${t('broadcasts.col.end')}</dt>
                    <dd>${dateTime(broadcast.endDate)}</dd>
                  </div>`
                : ''
            }
          </dl>
          ${actions(web, view)} ${started ? live(web, view) : ''}
          ${
            broadcast.status === 'pending' && broadcast.launchDate !== null
              ? html`<div
                  hidden
                  data-broadcast-events="/broadcasts/${broadcast.id}/events"
                  data-broadcast-status="scheduled"
                ></div>`
              : ''
          }
          ${failures.length > 0 ? failureTable(web, failures) : ''}
          ${started ? html`<p><a class="button" href="/broadcasts/${broadcast.id}/outcomes.csv" download>${t('broadcasts.export')}</a></p>` : ''}
          <section class="panel" aria-labelledby="texts">
            <h2 id="texts">${t('broadcasts.texts')}</h2>
            ${smsText(web, t('broadcasts.frMessage'), texts.frMessage, 'fr')}
            ${smsText(web, t('broadcasts.enMessage'), texts.enMessage, 'en')}
            ${texts.frEmail || texts.enEmail ? html`<p class="muted">${t('broadcasts.withEmail')}</p>` : ''}
          </section>
          ${previewPanel(web, broadcast.id, options)}`,
      }),
      options.error ? 400 : 200,
    );
  };

  const actions = (web: WebState, { broadcast }: BroadcastView): SafeHtml => {
    const { t } = web.i18n;
    const cancel = postButton(web, `/broadcasts/${broadcast.id}/cancel`, t('broadcasts.cancel'), {
      confirm: t('broadcasts.confirmCancel'),
      className: 'button danger',
    });
    if (broadcast.status === 'pending') {
      return html`<div class="row actions">
        <a class="button primary" href="/broadcasts/${broadcast.id}/confirm">${t('broadcasts.review')}</a>
        <a class="button" href="/broadcasts/${broadcast.id}/edit">${t('common.edit')}</a>
        ${broadcast.launchDate !== null ? postButton(web, `/broadcasts/${broadcast.id}/unschedule`, t('broadcasts.unschedule')) : ''}
        ${cancel}
      </div>`;
    }
    return broadcast.status === 'in_progress' ? html`<div class="row actions">${cancel}</div>` : html``;
  };

  app.get('/broadcasts/:id', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const contact = (request.query as Record<string, string | undefined>).contact?.trim();
      if (!contact) return detail(request, reply, accountId, id, {});
      try {
        const preview = await service.preview(await accountScope(ctx, request), id, contact);
        return await detail(request, reply, accountId, id, { preview, contact });
      } catch (error) {
        if (!(error instanceof DomainError) || error.id === 'broadcast_not_found') throw error;
        return detail(request, reply, accountId, id, { contact, error: webState(request).i18n.error(error) });
      }
    }),
  );

  app.post('/broadcasts/:id/test', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const contact = formParams(request).get('contact') ?? '';
      try {
        await service.test(await accountScope(ctx, request), { broadcast: id, contact });
        return redirect(reply, `/broadcasts/${id}?notice=tested`);
      } catch (error) {
        if (!(error instanceof DomainError) || error.id === 'broadcast_not_found') throw error;
        return detail(request, reply, accountId, id, { contact, error: webState(request).i18n.error(error) });
      }
    }),
  );

  app.post('/broadcasts/:id/cancel', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      await service.delete(accountId, id);
      return redirect(reply, '/broadcasts?notice=cancelled');
    }),
  );

  app.post('/broadcasts/:id/unschedule', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      try {
        await service.save(accountId, { broadcast: id, launch_date: '' });
        return redirect(reply, `/broadcasts/${id}?notice=unscheduled`);
      } catch (error) {
        if (!(error instanceof DomainError) || error.id === 'broadcast_not_found') throw error;
        return detail(request, reply, accountId, id, { error: webState(request).i18n.error(error) });
      }
    }),
  );
}

function smsText(web: WebState, label: string, text: string | null, lang: string): SafeHtml {
  if (text === null) return html``;
  const segmented = segmentMessage(text.normalize('NFC'));
  return html`<h3>${label}</h3>
    ${smsBlock(text, lang)}
    <p class="muted">${partsText(web, segmented.parts.length)} · ${segmented.encoding}</p>`;
}

function live(web: WebState, view: BroadcastView): SafeHtml {
  const { t } = web.i18n;
  const c = liveCounters(web, view);
  const id = view.broadcast.id;
  return html`<section
    class="panel broadcast-progress"
    ${c.finished ? '' : html`data-broadcast-events="/broadcasts/${id}/events"`}
    aria-live="polite"
  >
    <p><strong data-broadcast-field="statusText">${c.statusText}</strong></p>
    <progress
      id="broadcast-bar"
      max="${c.total || 1}"
      value="${c.total === 0 && c.finished ? 1 : c.done}"
      aria-label="${t('broadcasts.progressLabel')}"
    >
      ${c.percent} %
    </progress>
    <p data-broadcast-field="progressText">${c.progressText}</p>
    <dl class="counts">
      <div>
        <dt>${t('broadcasts.col.recipients')}</dt>
        <dd data-broadcast-field="totalText">${web.i18n.number(c.total)}</dd>
      </div>
      <div>
        <dt>${t('broadcasts.col.sent')}</dt>
        <dd data-broadcast-field="sent">${c.sent}</dd>
      </div>
      <div>
        <dt>${t('broadcasts.col.delivered')}</dt>
        <dd data-broadcast-field="delivered">${c.delivered}</dd>
      </div>
      <div>
        <dt>${t('broadcasts.col.failed')}</dt>
        <dd data-broadcast-field="failed">${c.failed}</dd>
      </div>
      <div>
        <dt>${t('broadcasts.col.waiting')}</dt>
        <dd data-broadcast-field="waiting">${c.waiting}</dd>
      </div>
    </dl>
    ${c.finished ? '' : html`<p><a href="/broadcasts/${id}">${t('broadcasts.refresh')}</a></p>`}
  </section>`;
}

function failureTable(web: WebState, failures: readonly FailureGroup[]): SafeHtml {
  const { t, number } = web.i18n;
  return html`<section class="panel" aria-labelledby="failures">
    <h2 id="failures">${t('broadcasts.failures')}</h2>
    <table class="failures">
      <thead>
        <tr>
          <th scope="col">${t('broadcasts.failure.code')}</th>
          <th scope="col">${t('broadcasts.failure.name')}</th>
          <th scope="col">${t('broadcasts.failure.count')}</th>
        </tr>
      </thead>
      <tbody>
        ${failures.map((f) => {
          const name = failureName(web, f);
          return html`<tr>
            <td><code>${name.code}</code></td>
            <td>${name.name}${name.action ? html`<br /><small class="muted">${name.action}</small>` : ''}</td>
            <td class="number">${number(f.count)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </section>`;
}

function previewPanel(web: WebState, id: number, options: DetailOptions): SafeHtml {
  const { t } = web.i18n;
  const preview = options.preview;
  return html`<section class="panel" aria-labelledby="preview">
    <h2 id="preview">${t('broadcasts.preview')}</h2>
    <form method="get" action="/broadcasts/${id}" class="row">
      ${field({ name: 'contact', label: t('broadcasts.contact'), value: options.contact, hint: t('broadcasts.contactHint'), required: true })}
      <button type="submit" class="button">${t('broadcasts.previewSubmit')}</button>
    </form>
    ${
      preview
        ? html`<div class="preview" data-preview-language="${preview.contact.language}">
            <p>
              ${t('broadcasts.previewFor', {
                name: preview.contact.name || preview.contact.number || preview.contact.email || '',
                language: languageName(web.i18n.t, preview.contact.language),
              })}
            </p>
            ${
              preview.sms
                ? html`${smsBlock(preview.sms.body, preview.contact.language, html`data-preview-sms`)}
                    <p class="muted">${partsText(web, preview.sms.partCount)} · ${preview.sms.encoding}</p>`
                : html`<p>${t('broadcasts.previewNoSms')}</p>`
            }
            ${preview.email ? html`<p><strong>${preview.email.subject}</strong></p>` : ''}
          </div>`
        : ''
    }
    <form method="post" action="/broadcasts/${id}/test" class="row">
      ${csrfField(web)}
      <div class="field">
        <label for="f-test-contact">${t('broadcasts.testContact')}</label>
        <input id="f-test-contact" name="contact" type="text" value="${options.contact ?? ''}" required />
      </div>
      <button type="submit" class="button">${t('broadcasts.testSubmit')}</button>
    </form>
  </section>`;
}
