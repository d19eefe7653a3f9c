import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BroadcastView } from '../../domain/broadcasts/broadcast-service.js';
import type { Broadcast } from '../../domain/broadcasts/broadcasts.js';
import type { GroupSummary } from '../../domain/contacts/address-book.js';
import { DomainError } from '../../domain/errors.js';
import type { BroadcastReach } from '../../domain/ports/broadcast-report-store.js';
import { csrfField, field, notice } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { groupName, pageNotice } from './address-book-views.js';
import { notFound, statusTag, withBroadcast } from './broadcast-views.js';
import { composerArea } from './send-page.js';

/** /broadcasts: the list, the draft editor (new and edit) and the editor's live recipient count. */

const LIST_NOTICES = { cancelled: 'broadcasts.cancelled' } as const;
/** Broadcasts per page of the list (newest first). */
const LIST_PAGE = 50;

/** What the editor shows: the form's values as typed (or as stored), and an error if any. */
interface Draft {
  readonly name: string;
  readonly groupIds: readonly number[];
  readonly frMessage: string;
  readonly enMessage: string;
  readonly frSubject: string;
  readonly enSubject: string;
  readonly frEmail: string;
  readonly enEmail: string;
}

const EMPTY_DRAFT: Draft = {
  name: '',
  groupIds: [],
  frMessage: '',
  enMessage: '',
  frSubject: '',
  enSubject: '',
  frEmail: '',
  enEmail: '',
};

function draftOfForm(form: URLSearchParams): Draft {
  return {
    name: form.get('name') ?? '',
    groupIds: form
      .getAll('group')
      .map((id) => wholeNumber(id))
      .filter((id): id is number => id !== undefined),
    frMessage: form.get('fr_message') ?? '',
    enMessage: form.get('en_message') ?? '',
    frSubject: form.get('fr_subject') ?? '',
    enSubject: form.get('en_subject') ?? '',
    frEmail: form.get('fr_email') ?? '',
    enEmail: form.get('en_email') ?? '',
  };
}

/** post_broadcast's parameters for a draft; saving always clears a schedule (it is confirmed again). */
function paramsOf(draft: Draft, broadcast?: string) {
  return {
    ...(broadcast ? { broadcast } : {}),
    name: draft.name,
    from_groups: draft.groupIds.join(','),
    fr_message: draft.frMessage,
    en_message: draft.enMessage,
    fr_subject: draft.frSubject,
    en_subject: draft.enSubject,
    fr_email: draft.frEmail,
    en_email: draft.enEmail,
    launch_date: '',
  };
}

export function reachText(web: WebState, reach: BroadcastReach): string {
  const { t } = web.i18n;
  return t('broadcasts.reach', {
    sms: reach.smsFr + reach.smsEn,
    fr: reach.smsFr,
    en: reach.smsEn,
    email: reach.email,
  });
}

export function registerBroadcastPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;
  const service = ctx.broadcasts;

  const row = (web: WebState, { broadcast, counters }: BroadcastView) => {
    const { number, dateTime } = web.i18n;
    const started = broadcast.status === 'in_progress' || broadcast.status === 'completed';
    return html`<tr>
      <th scope="row"><a href="/broadcasts/${broadcast.id}">${broadcast.name}</a></th>
      <td>${statusTag(web, broadcast)}</td>
      <td class="number">${started ? number(broadcast.smsTotal) : '—'}</td>
      <td class="number">${started ? number(counters.delivered) : '—'}</td>
      <td class="number">${started ? number(counters.failed) : '—'}</td>
      <td>${broadcast.launchDate !== null ? dateTime(broadcast.launchDate) : '—'}</td>
      <td>${broadcast.endDate !== null ? dateTime(broadcast.endDate) : '—'}</td>
    </tr>`;
  };

  app.get('/broadcasts', async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const page = Math.max(wholeNumber((request.query as Record<string, string | undefined>).page) ?? 1, 1);
    const { views, more } = await service.summaries(signedIn(request).user.accountId, {
      offset: (page - 1) * LIST_PAGE,
      limit: LIST_PAGE,
    });
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('broadcasts.title'),
        nav: 'broadcasts',
        notice: pageNotice(web, request, LIST_NOTICES),
        body: html`<h1>${t('broadcasts.title')}</h1>
          <p class="row actions">
            <a class="button primary" href="/broadcasts/new">${t('broadcasts.new')}</a>
            <a class="button" href="/send">${t('send.title')}</a>
          </p>
          ${
            views.length === 0
              ? html`<p>${t('broadcasts.empty')}</p>`
              : html`<div class="table-wrap">
                  <table class="broadcasts">
                    <thead>
                      <tr>
                        <th scope="col">${t('broadcasts.col.name')}</th>
                        <th scope="col">${t('broadcasts.col.status')}</th>
                        <th scope="col">${t('broadcasts.col.recipients')}</th>
                        <th scope="col">${t('broadcasts.col.delivered')}</th>
                        <th scope="col">${t('broadcasts.col.failed')}</th>
                        <th scope="col">${t('broadcasts.col.launch')}</th>
                        <th scope="col">${t('broadcasts.col.end')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${views.map((view) => row(web, view))}
                    </tbody>
                  </table>
                </div>`
          }
          ${
            page > 1 || more
              ? html`<nav class="pager" aria-label="${t('contacts.pages')}">
                  ${page > 1 ? html`<a href="/broadcasts?page=${page - 1}" rel="prev">← ${t('common.previous')}</a>` : ''}
                  ${more ? html`<a href="/broadcasts?page=${page + 1}" rel="next">${t('common.next')} →</a>` : ''}
                </nav>`
              : ''
          }`,
      }),
    );
  });

  const editor = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { draft: Draft; broadcast?: Broadcast; error?: string },
  ) => {
    const web = webState(request);
    const { t, number } = web.i18n;
    const accountId = signedIn(request).user.accountId;
    const groups = (await ctx.addressBook.listGroupSummaries(accountId)).filter(
      (g: GroupSummary) => g.systemKind !== 'blocked',
    );
    const { draft, broadcast } = options;
    const chosen = new Set(draft.groupIds);
    // Another account's group id answers group_not_found, which the routes turn into the 404 page.
    const reach = await service.reachOfGroups(accountId, draft.groupIds);
    const title = broadcast ? t('broadcasts.edit.title', { name: broadcast.name }) : t('broadcasts.new');
    return sendHtml(
      reply,
      layout.page(web, {
        title,
        nav: 'broadcasts',
        notice: options.error ? notice('error', options.error) : undefined,
        body: html`<h1>${title}</h1>
          ${broadcast && broadcast.launchDate !== null ? notice('info', t('broadcasts.edit.unschedules')) : ''}
          <form
            method="post"
            action="${broadcast ? `/broadcasts/${broadcast.id}` : '/broadcasts'}"
            class="stack panel"
          >
            ${csrfField(web)}
            ${field({ name: 'name', label: t('broadcasts.name'), value: draft.name, required: true, attrs: html`maxlength="200"` })}
            <fieldset class="groups" data-reach-url="/broadcasts/reach">
              <legend>${t('broadcasts.groups')}</legend>
              ${groups.map(
                (g) =>
                  html`<label class="check"
                    ><input
                      type="checkbox"
                      name="group"
                      value="${g.id}"
                      ${chosen.has(g.id) ? html`checked` : ''}
                    />
                    ${groupName(t, g)} <span class="muted">(${number(g.memberCount)})</span></label
                  >`,
              )}
              <p class="reach" aria-live="polite" data-reach>${reachText(web, reach)}</p>
              <p class="hint">${t('broadcasts.reachHint')}</p>
            </fieldset>
            ${composerArea({ name: 'fr_message', label: t('broadcasts.frMessage'), value: draft.frMessage, mergeFields: true, lang: 'fr' })}
            ${composerArea({ name: 'en_message', label: t('broadcasts.enMessage'), value: draft.enMessage, mergeFields: true, lang: 'en' })}
            <p class="hint">${t('broadcasts.textsHint')}</p>
            <details
              ${draft.frEmail || draft.enEmail || draft.frSubject || draft.enSubject ? html`open` : ''}
            >
              <summary>${t('broadcasts.email')}</summary>
              ${field({ name: 'fr_subject', label: t('broadcasts.frSubject'), value: draft.frSubject })}
              ${textArea('fr_email', t('broadcasts.frEmail'), draft.frEmail)}
              ${field({ name: 'en_subject', label: t('broadcasts.enSubject'), value: draft.enSubject })}
              ${textArea('en_email', t('broadcasts.enEmail'), draft.enEmail)}
            </details>
            <p class="hint">${t('broadcasts.saveHint')}</p>
            <div class="row actions">
              <button type="submit" class="button primary">${t('broadcasts.save')}</button>
              <a href="${broadcast ? `/broadcasts/${broadcast.id}` : '/broadcasts'}">${t('common.cancel')}</a>
            </div>
          </form>`,
      }),
      options.error ? 400 : 200,
    );
  };

  app.get('/broadcasts/new', async (request, reply) => editor(request, reply, { draft: EMPTY_DRAFT }));

  app.post('/broadcasts', async (request, reply) => {
    const web = webState(request);
    const draft = draftOfForm(formParams(request));
    try {
      const id = await service.save(signedIn(request).user.accountId, paramsOf(draft));
      return redirect(reply, `/broadcasts/${id}?notice=saved`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      try {
        return await editor(request, reply, { draft, error: web.i18n.error(error) });
      } catch (again) {
        if (again instanceof DomainError && again.id === 'group_not_found')
          return notFound(deps, request, reply);
        throw again;
      }
    }
  });

  app.get('/broadcasts/:id/edit', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const { broadcast } = await service.summary(accountId, id);
      if (broadcast.status !== 'pending') return redirect(reply, `/broadcasts/${broadcast.id}`);
      const groupIds = await service.groupIdsOf(accountId, id);
      const texts = broadcast.texts;
      return editor(request, reply, {
        broadcast,
        draft: {
          name: broadcast.name,
          groupIds,
          frMessage: texts.frMessage ?? '',
          enMessage: texts.enMessage ?? '',
          frSubject: texts.frSubject ?? '',
          enSubject: texts.enSubject ?? '',
          frEmail: texts.frEmail ?? '',
          enEmail: texts.enEmail ?? '',
        },
      });
    }),
  );

  app.post('/broadcasts/:id', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const web = webState(request);
      const { broadcast } = await service.summary(accountId, id);
      const draft = draftOfForm(formParams(request));
      try {
        await service.save(accountId, paramsOf(draft, id));
        return redirect(reply, `/broadcasts/${id}?notice=saved`);
      } catch (error) {
        if (!(error instanceof DomainError) || error.id === 'broadcast_not_found') throw error;
        return editor(request, reply, { draft, broadcast, error: web.i18n.error(error) });
      }
    }),
  );

  // The editor's live count: JSON for the page's script; another account's group is a 404.
  app.get('/broadcasts/reach', async (request, reply) => {
    const web = webState(request);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const ids = query.getAll('group').map((id) => wholeNumber(id));
    if (ids.some((id) => id === undefined)) {
      return reply.code(400).send({ status: false, error: web.i18n.t('error.badRequest') });
    }
    try {
      const reach = await service.reachOfGroups(signedIn(request).user.accountId, ids as number[]);
      return reply
        .header('cache-control', 'no-store')
        .send({ status: true, ...reach, text: reachText(web, reach) });
    } catch (error) {
      if (error instanceof DomainError && error.id === 'group_not_found') {
        return reply.code(404).send({ status: false, error: web.i18n.error(error) });
      }
      throw error;
    }
  });
}

function textArea(name: string, label: string, value: string): SafeHtml {
  return html`<div class="field">
    <label for="f-${name}">${label}</label>
    <textarea id="f-${name}" name="${name}" rows="4">${value}</textarea>
  </div>`;
}
