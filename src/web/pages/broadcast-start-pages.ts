import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LanguageCost, ReachReview } from '../../domain/broadcasts/broadcast-review.js';
import type { Broadcast } from '../../domain/broadcasts/broadcasts.js';
import { parseDateTime } from '../../domain/common/dates.js';
import { localToUtc } from '../../domain/common/timezone.js';
import { DomainError } from '../../domain/errors.js';
import { csrfField, notice } from '../components.js';
import { formParams } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';
import { partsText, smsBlock, withBroadcast } from './broadcast-views.js';

/**
 * The confirmation before a start (now or at a date): what it costs and whom it reaches, counted by
 * the start's own selection. The start form carries the count it showed (`expected`): if the
 * recipients changed meanwhile (an import, a STOP), the start is refused and the new figures shown,
 * so nobody starts a broadcast on numbers they did not see.
 */

/** The figures a confirmation showed, as the form sends them back. */
function expectedOf(review: ReachReview): string {
  return `${review.smsTotal}:${review.reach.email}:${review.partsTotal}`;
}

/** A `datetime-local` value (YYYY-MM-DDTHH:MM[:SS]) in the user's zone → epoch ms, or null. */
export function launchInstant(value: string, timeZone: string): number | null {
  const local = parseDateTime(value);
  return local ? localToUtc(local, timeZone) : null;
}

export function registerBroadcastStartPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;
  const service = ctx.broadcasts;

  const confirmPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: number,
    id: string,
    options: { error?: string; launchAt?: string } = {},
  ) => {
    const web = webState(request);
    const { t, number } = web.i18n;
    const { broadcast } = await service.summary(accountId, id);
    if (broadcast.status !== 'pending') return redirect(reply, `/broadcasts/${broadcast.id}`);
    const review = await service.review(accountId, id);
    const nobody = review.smsTotal + review.reach.email === 0;
    const title = t('broadcasts.confirm.title', { name: broadcast.name });
    return sendHtml(
      reply,
      layout.page(web, {
        title,
        nav: 'broadcasts',
        notice: options.error ? notice('error', options.error) : undefined,
        body: html`<h1>${title}</h1>
          <section class="panel confirm" aria-labelledby="figures">
            <h2 id="figures" data-confirm-total="${review.smsTotal}">
              ${t('broadcasts.confirm.total', { sms: review.smsTotal })}
            </h2>
            <table class="cost">
              <thead>
                <tr>
                  <th scope="col">${t('broadcasts.confirm.language')}</th>
                  <th scope="col">${t('broadcasts.col.recipients')}</th>
                  <th scope="col">${t('broadcasts.confirm.text')}</th>
                  <th scope="col">${t('broadcasts.confirm.partsEach')}</th>
                  <th scope="col">${t('broadcasts.confirm.parts')}</th>
                </tr>
              </thead>
              <tbody>
                ${costRow(web, 'fr', review.fr)} ${costRow(web, 'en', review.en)}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">${t('broadcasts.confirm.sum')}</th>
                  <td class="number">${number(review.smsTotal)}</td>
                  <td></td>
                  <td></td>
                  <td class="number" data-confirm-parts="${review.partsTotal}">
                    ${number(review.partsTotal)}
                  </td>
                </tr>
              </tfoot>
            </table>
            <p>${t('broadcasts.confirm.emails', { email: review.reach.email })}</p>
            <p class="hint">${t('broadcasts.confirm.mergeHint')}</p>
            ${texts(web, broadcast)}
          </section>
          ${nobody ? notice('error', t('broadcasts.confirm.nobody')) : startForm(web, broadcast, review, options.launchAt)}
          <p><a href="/broadcasts/${broadcast.id}">${t('common.back')}</a></p>`,
      }),
      options.error ? 400 : 200,
    );
  };

  app.get('/broadcasts/:id/confirm', async (request, reply) =>
    withBroadcast(deps, request, reply, (accountId, id) => confirmPage(request, reply, accountId, id)),
  );

  app.post('/broadcasts/:id/start', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const web = webState(request);
      const { t } = web.i18n;
      const form = formParams(request);
      const launchAt = form.get('launch_at') ?? '';
      const review = await service.review(accountId, id);
      if (form.get('expected') !== expectedOf(review)) {
        return confirmPage(request, reply, accountId, id, {
          error: t('broadcasts.confirm.changed'),
          launchAt,
        });
      }
      try {
        if (form.get('when') === 'later') {
          if (launchInstant(launchAt, web.i18n.timeZone) === null) {
            return confirmPage(request, reply, accountId, id, {
              error: t('broadcasts.confirm.badDate'),
              launchAt,
            });
          }
          // Read in the user's zone and stored with it; a past date is refused by the service
          // (launch_date_in_past), as post_broadcast refuses it.
          await service.save(accountId, {
            broadcast: id,
            launch_date: launchAt,
            launch_timezone: web.i18n.timeZone,
          });
          return redirect(reply, `/broadcasts/${id}?notice=scheduled`);
        }
        if (form.get('when') !== 'now') {
          return confirmPage(request, reply, accountId, id, {
            error: t('broadcasts.confirm.when'),
            launchAt,
          });
        }
        await service.start(accountId, id);
        return redirect(reply, `/broadcasts/${id}?notice=started`);
      } catch (error) {
        if (!(error instanceof DomainError) || error.id === 'broadcast_not_found') throw error;
        if (error.id === 'broadcast_already_started' || error.id === 'broadcast_not_modifiable') {
          return redirect(reply, `/broadcasts/${id}`);
        }
        return confirmPage(request, reply, accountId, id, { error: web.i18n.error(error), launchAt });
      }
    }),
  );
}

function costRow(web: WebState, language: 'fr' | 'en', cost: LanguageCost): SafeHtml {
  const { t, number } = web.i18n;
  const name = language === 'fr' ? t('contacts.lang.fr') : t('contacts.lang.en');
  const text =
    cost.text === null ? '—' : cost.text === 'fr' ? t('broadcasts.frMessage') : t('broadcasts.enMessage');
  return html`<tr data-language="${language}">
    <th scope="row">${name}</th>
    <td class="number" data-confirm-recipients>${number(cost.recipients)}</td>
    <td>${text}</td>
    <td>${cost.text === null ? '—' : `${partsText(web, cost.partsEach)} · ${cost.encoding ?? ''}`}</td>
    <td class="number">${number(cost.parts)}</td>
  </tr>`;
}

function startForm(web: WebState, broadcast: Broadcast, review: ReachReview, launchAt?: string): SafeHtml {
  const { t } = web.i18n;
  return html`<form method="post" action="/broadcasts/${broadcast.id}/start" class="stack panel">
    ${csrfField(web)}
    <input type="hidden" name="expected" value="${expectedOf(review)}" />
    <fieldset>
      <legend>${t('broadcasts.confirm.whenLegend')}</legend>
      <label class="check"
        ><input type="radio" name="when" value="now" ${launchAt ? '' : html`checked`} />
        ${t('broadcasts.confirm.now')}</label
      >
      <label class="check"
        ><input type="radio" name="when" value="later" ${launchAt ? html`checked` : ''} />
        ${t('broadcasts.confirm.later')}</label
      >
      <div class="field">
        <label for="f-launch_at">${t('broadcasts.confirm.launchAt', { zone: web.i18n.timeZone })}</label>
        <input id="f-launch_at" name="launch_at" type="datetime-local" step="1" value="${launchAt ?? ''}" />
      </div>
    </fieldset>
    <button type="submit" class="button primary" data-start>
      ${t('broadcasts.confirm.submit', { sms: review.smsTotal, parts: review.partsTotal })}
    </button>
  </form>`;
}

/** The texts that will go out, as stored: what the person confirms is what they read. */
function texts(web: WebState, broadcast: Broadcast): SafeHtml {
  const { t } = web.i18n;
  const one = (label: string, text: string | null, lang: string) =>
    text === null
      ? html``
      : html`<h3>${label}</h3>
          ${smsBlock(text, lang)}`;
  return html`${one(t('broadcasts.frMessage'), broadcast.texts.frMessage, 'fr')}
  ${one(t('broadcasts.enMessage'), broadcast.texts.enMessage, 'en')}`;
}
