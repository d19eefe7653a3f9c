import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { Conversation } from '../../domain/messages/inbox-service.js';
import { parseSendRequest } from '../../domain/messages/send-request.js';
import { csrfField, field, notice } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { accountScope, notFound } from './address-book-views.js';
import { registerInboxEvents } from './inbox-events.js';
import { messageList, threadList, threadPath } from './inbox-views.js';

type Query = Record<string, string | undefined>;

/** A correspondent number from a URL: digits only (as numbers are stored), else no such thread. */
function threadNumber(request: FastifyRequest): string | undefined {
  const { number } = request.params as { number: string };
  return /^\d{3,17}$/.test(number) ? number : undefined;
}

/** The live script's attributes: its event stream (from the last event before rendering) and what to fetch again. */
function liveAttributes(since: number, refresh: string, number?: string): SafeHtml {
  return html`data-live="/inbox/events?since=${since}" data-refresh="${refresh}"
  ${number ? html`data-number="${number}"` : ''}`;
}

/** The inbox (threads, search, keyset pages), a conversation with its reply box, and their event stream. */
export function registerInboxPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;
  registerInboxEvents(app, deps);

  app.get('/inbox', async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const accountId = signedIn(request).user.accountId;
    const query = request.query as Query;
    const q = (query.q ?? '').slice(0, 200);
    const before = wholeNumber(query.before);
    const since = await ctx.accountEvents.latestId();
    const scope = await accountScope(ctx, request);
    const page = await ctx.inbox.threads(accountId, { q, before, country: scope.defaultCountry });
    const list = threadList(web, page, q.trim() !== '');
    if (query.fragment === 'threads') return sendHtml(reply, list);
    const base = new URLSearchParams(q ? { q } : {});
    const refresh = `/inbox?${new URLSearchParams({ ...(q ? { q } : {}), fragment: 'threads' }).toString()}`;
    const next =
      page.next !== undefined
        ? `/inbox?${new URLSearchParams({ ...Object.fromEntries(base), before: String(page.next) }).toString()}`
        : undefined;
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('inbox.title'),
        nav: 'inbox',
        assets: before === undefined ? ['inbox.js'] : [],
        body: html`<h1>${t('inbox.title')}</h1>
          <p class="muted">${t('inbox.intro')}</p>
          <form method="get" action="/inbox" role="search" class="filters row">
            ${field({ name: 'q', label: t('inbox.search'), type: 'search', value: q, hint: t('inbox.searchHint') })}
            <div class="field actions">
              <button type="submit" class="button primary">${t('inbox.apply')}</button>
              ${q ? html`<a href="/inbox">${t('inbox.reset')}</a>` : ''}
            </div>
          </form>
          ${
            page.searchedBy
              ? html`<p class="muted" id="searched-by">
                  ${page.searchedBy === 'number' ? t('inbox.searchedNumber') : t('inbox.searchedText')}
                </p>`
              : ''
          }
          <section
            id="threads"
            aria-live="polite"
            ${before === undefined ? liveAttributes(since, refresh) : ''}
          >
            ${list}
          </section>
          <nav class="pager" aria-label="${t('contacts.pages')}">
            ${before !== undefined ? html`<a href="/inbox${q ? `?${base.toString()}` : ''}">← ${t('inbox.newest')}</a>` : ''}
            ${next ? html`<a href="${next}" rel="next">${t('inbox.older')} →</a>` : ''}
          </nav>`,
      }),
    );
  });

  const conversationPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { error?: string; draft?: string; status?: number } = {},
  ): Promise<FastifyReply> => {
    const web = webState(request);
    const accountId = signedIn(request).user.accountId;
    const number = threadNumber(request);
    const query = request.query as Query;
    const before = wholeNumber(query.before);
    const since = await ctx.accountEvents.latestId();
    const conversation = number ? await ctx.inbox.conversation(accountId, number, before) : undefined;
    if (!number || !conversation) return notFound(layout, web, reply);
    // Whoever looks at the thread has read it (one inbox shared by the account's team).
    await ctx.inbox.markRead(accountId, number);
    const list = messageList(web, conversation);
    if (query.fragment === 'messages') return sendHtml(reply, list);
    const sent = query.notice === 'sent' && !options.error;
    return sendHtml(
      reply,
      conversationHtml(deps, web, conversation, {
        list,
        live:
          before === undefined
            ? liveAttributes(since, `${threadPath(number)}?fragment=messages`, number)
            : undefined,
        notice: options.error
          ? notice('error', options.error)
          : sent
            ? notice('success', web.i18n.t('conv.sent'))
            : undefined,
        draft: options.draft ?? '',
      }),
      options.status,
    );
  };

  app.get('/inbox/:number', async (request, reply) => conversationPage(request, reply));

  app.post('/inbox/:number/reply', async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const accountId = signedIn(request).user.accountId;
    const number = threadNumber(request);
    const correspondent = number ? await ctx.inbox.conversation(accountId, number) : undefined;
    if (!number || !correspondent) return notFound(layout, web, reply);
    const message = formParams(request).get('message') ?? '';
    const who = correspondent.correspondent;
    if (who.optedOut || who.blocked) {
      const reason = who.optedOut ? t('conv.optedOut') : t('conv.blocked');
      return conversationPage(request, reply, { error: reason, draft: message, status: 400 });
    }
    try {
      const scope = await accountScope(ctx, request);
      const send = parseSendRequest({ to: number, message }, scope.defaultCountry);
      await ctx.messaging.send(accountId, send);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return conversationPage(request, reply, { error: web.i18n.error(error), draft: message, status: 400 });
    }
    return redirect(reply, `${threadPath(number)}?notice=sent`);
  });
}

function conversationHtml(
  deps: WebDeps,
  web: WebState,
  conversation: Conversation,
  parts: { list: SafeHtml; live: SafeHtml | undefined; notice: SafeHtml | undefined; draft: string },
): SafeHtml {
  const { t } = web.i18n;
  const who = conversation.correspondent;
  const name = who.contactName ?? who.number;
  const title = t('conv.title', { name });
  const closed = who.optedOut ? t('conv.optedOut') : who.blocked ? t('conv.blocked') : undefined;
  return deps.layout.page(web, {
    title,
    nav: 'inbox',
    notice: parts.notice,
    assets: parts.live ? ['inbox.js'] : [],
    body: html`<p><a href="/inbox">← ${t('conv.back')}</a></p>
      <h1>${title}</h1>
      <p class="muted">
        ${who.number}
        ${who.contactId !== null ? html` · <a href="/contacts/${who.contactId}">${t('conv.contact')}</a>` : ''}
      </p>
      ${parts.live ? '' : html`<p><a href="${threadPath(who.number)}">${t('conv.latest')}</a></p>`}
      <section id="conversation" class="conversation" aria-live="polite" ${parts.live}>${parts.list}</section>
      ${
        closed
          ? html`<div class="notice notice-info" id="reply-closed" role="status">${closed}</div>`
          : html`<form method="post" action="${threadPath(who.number)}/reply" class="reply">
              ${csrfField(web)}
              <div class="field">
                <label for="f-message">${t('conv.reply')}</label>
                <textarea id="f-message" name="message" rows="3" required data-composer>
${parts.draft}</textarea>
              </div>
              <button type="submit" class="button primary">${t('conv.send')}</button>
            </form>`
      }`,
  });
}
