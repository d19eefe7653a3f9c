import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { DeliveryRecord, Webhook } from '../../domain/ports/webhook-store.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../domain/webhooks/webhooks.js';
import { csrfField, field, notice, postButton } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { showOnce, type DevelopersView, type HookFormState } from './developers-once.js';

const EVENT_LABEL: Readonly<Record<WebhookEvent, MessageKey>> = {
  mo: 'hooks.event.mo',
  status: 'hooks.event.status',
  keyword: 'hooks.event.keyword',
};

const STATE_LABEL: Readonly<Record<DeliveryRecord['state'], MessageKey>> = {
  pending: 'hooks.state.pending',
  delivered: 'hooks.state.delivered',
  failed: 'hooks.state.failed',
};

/** How many deliveries the webhook's page lists, newest first. */
const RECENT_DELIVERIES = 20;

function eventList(web: WebState, events: readonly WebhookEvent[]): string {
  return events.map((e) => web.i18n.t(EVENT_LABEL[e])).join(', ');
}

/** The webhooks' table and the form that adds one. */
export function webhooksSection(web: WebState, hooks: readonly Webhook[], form?: HookFormState): SafeHtml {
  const { t } = web.i18n;
  const ticked: readonly string[] = form?.events ?? WEBHOOK_EVENTS;
  return html`<section aria-labelledby="hooks-title">
    <h2 id="hooks-title">${t('hooks.title')}</h2>
    <p>${t('hooks.intro')}</p>
    ${
      hooks.length === 0
        ? html`<p class="muted">${t('hooks.none')}</p>`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">${t('hooks.url')}</th>
                  <th scope="col">${t('hooks.events')}</th>
                  <th scope="col">${t('hooks.created')}</th>
                  <th scope="col">${t('hooks.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${hooks.map(
                  (hook) =>
                    html`<tr>
                      <th scope="row" class="url">${hook.url}</th>
                      <td>${eventList(web, hook.events)}</td>
                      <td>${web.i18n.dateTime(hook.createdAt)}</td>
                      <td class="actions">
                        <a
                          class="button"
                          href="/developers/webhooks/${hook.id}"
                          aria-label="${t('hooks.deliveriesLabel', { url: hook.url })}"
                          >${t('hooks.deliveriesLink')}</a
                        >
                        ${postButton(web, `/developers/webhooks/${hook.id}/delete`, t('hooks.delete'), {
                          confirm: t('hooks.deleteConfirm'),
                          className: 'button danger',
                        })}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <form method="post" action="/developers/webhooks" class="panel stack" aria-labelledby="hook-create-title">
      <h3 id="hook-create-title">${t('hooks.createTitle')}</h3>
      ${form?.error ? notice('error', form.error) : ''} ${csrfField(web)}
      ${field({
        name: 'url',
        label: t('hooks.url'),
        type: 'url',
        value: form?.url,
        required: true,
        attrs: html`placeholder="https://" autocomplete="off"`,
      })}
      <fieldset class="checks">
        <legend>${t('hooks.events')}</legend>
        ${WEBHOOK_EVENTS.map(
          (event) =>
            html`<label>
              <input
                type="checkbox"
                name="events"
                value="${event}"
                ${ticked.includes(event) ? html`checked` : ''}
              />
              ${t(EVENT_LABEL[event])}
            </label>`,
        )}
      </fieldset>
      <button type="submit" class="button primary">${t('hooks.createSubmit')}</button>
    </form>
  </section>`;
}

/** The new webhook's signing secret, shown this once. */
export function hookCreatedPanel(web: WebState, hook: Webhook, secret: string): SafeHtml {
  const { t } = web.i18n;
  return html`<section class="panel once" aria-labelledby="new-hook-title">
    <h2 id="new-hook-title">${t('hooks.newTitle')}</h2>
    <p><code class="secret">${hook.url}</code></p>
    <p class="notice notice-info" role="status">${t('hooks.newWarning')}</p>
    <p><code id="new-hook-secret" class="secret">${secret}</code></p>
    <p>
      <button
        type="button"
        class="button primary"
        data-copy="new-hook-secret"
        data-copied="${t('hooks.copied')}"
      >
        ${t('hooks.copy')}
      </button>
    </p>
  </section>`;
}

function deliveriesTable(web: WebState, deliveries: readonly DeliveryRecord[]): SafeHtml {
  const { t } = web.i18n;
  if (deliveries.length === 0) return html`<p class="muted">${t('hooks.noDeliveries')}</p>`;
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">${t('hooks.when')}</th>
          <th scope="col">${t('hooks.event')}</th>
          <th scope="col">${t('hooks.state')}</th>
          <th scope="col">${t('hooks.httpStatus')}</th>
          <th scope="col">${t('hooks.attempts')}</th>
        </tr>
      </thead>
      <tbody>
        ${deliveries.map(
          (d) =>
            html`<tr>
              <th scope="row">${web.i18n.dateTime(d.createdAt)}</th>
              <td><code>${d.event}</code></td>
              <td><span class="tag state-${d.state}">${t(STATE_LABEL[d.state])}</span></td>
              <td>
                ${d.httpStatus ?? (d.attempts > 0 ? html`<span class="muted">${t('hooks.noAnswer')}</span>` : '—')}
                ${
                  d.lastError && d.state !== 'delivered'
                    ? html`<div class="muted small">${d.lastError}</div>`
                    : ''
                }
              </td>
              <td>${web.i18n.number(d.attempts)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** Add a webhook, see its recent deliveries, delete it. */
export function registerWebhookPages(
  app: FastifyInstance,
  { ctx, layout }: WebDeps,
  view: DevelopersView,
): void {
  const admin = { config: { access: 'admin' as const } };

  app.post('/developers/webhooks', admin, async (request, reply) => {
    const web = webState(request);
    const { accountId } = signedIn(request).user;
    const form = formParams(request);
    const url = form.get('url') ?? '';
    const events = form.getAll('events');
    const refuse = (error: string) =>
      view.render(request, reply, { status: 400, hookForm: { url, events, error } });
    // Unticking every box means none: the API's empty list (all events) would surprise here.
    if (events.length === 0) return refuse(web.i18n.t('hooks.eventsRequired'));
    try {
      const { webhook, secret } = await ctx.webhooks.create(accountId, { url, events: events.join(',') });
      showOnce(reply, web, { kind: 'webhook', id: webhook.id, secret });
      return redirect(reply, '/developers');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return refuse(web.i18n.error(error));
    }
  });

  app.get('/developers/webhooks/:id', admin, async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const { accountId } = signedIn(request).user;
    const id = wholeNumber((request.params as { id: string }).id);
    const hook = id === undefined ? undefined : await ctx.webhooks.find(accountId, id);
    if (!hook) return view.notFound(request, reply);
    const deliveries = await ctx.webhooks.recentDeliveries(accountId, hook.id, RECENT_DELIVERIES);
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('hooks.pageTitle'),
        nav: 'developers',
        body: html`<p><a href="/developers">← ${t('dev.title')}</a></p>
          <h1>${t('hooks.pageTitle')}</h1>
          <dl class="facts">
            <dt>${t('hooks.url')}</dt>
            <dd><code class="secret">${hook.url}</code></dd>
            <dt>${t('hooks.events')}</dt>
            <dd>${eventList(web, hook.events)}</dd>
            <dt>${t('hooks.created')}</dt>
            <dd>${web.i18n.dateTime(hook.createdAt)}</dd>
          </dl>
          <h2>${t('hooks.recent')}</h2>
          ${deliveriesTable(web, deliveries)}
          <p>
            ${postButton(
              web,
              `/developers/webhooks/${hook.id}/delete`,
              t('hooks.deleteLabel', { url: hook.url }),
              {
                confirm: t('hooks.deleteConfirm'),
                className: 'button danger',
              },
            )}
          </p>`,
      }),
    );
  });

  app.post('/developers/webhooks/:id/delete', admin, async (request, reply) => {
    const { accountId } = signedIn(request).user;
    const raw = (request.params as { id: string }).id;
    if (wholeNumber(raw) === undefined) return view.notFound(request, reply);
    try {
      await ctx.webhooks.delete(accountId, raw);
    } catch (error) {
      if (error instanceof DomainError && error.id === 'webhook_not_found')
        return view.notFound(request, reply);
      throw error;
    }
    return redirect(reply, '/developers?notice=hookDeleted');
  });
}
