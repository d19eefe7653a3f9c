import type { FastifyInstance } from 'fastify';
import type { ApiKey } from '../../domain/accounts/accounts.js';
import type { Webhook } from '../../domain/ports/webhook-store.js';
import { notice } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { takeOnce, type DevelopersView, type ShownOnce } from './developers-once.js';
import { keyCreatedPanel, keysSection, registerKeyPages } from './developers-keys.js';
import { hookCreatedPanel, registerWebhookPages, webhooksSection } from './developers-webhooks.js';

/** The `?notice=` a redirect may carry, and what it says. */
const NOTICES: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ['keySaved', 'keys.saved'],
  ['keyRevoked', 'keys.revoked'],
  ['hookDeleted', 'hooks.deleted'],
]);

/** The Developers page (admins only): the account's API keys and webhooks, and links to the API docs. */
export function registerDevelopersPages(app: FastifyInstance, deps: WebDeps): void {
  const { ctx, layout } = deps;

  const render: DevelopersView['render'] = async (request, reply, options = {}) => {
    const web = webState(request);
    const { accountId } = signedIn(request).user;
    const { t } = web.i18n;
    const [keys, hooks] = await Promise.all([
      ctx.accounts.listApiKeys(accountId),
      ctx.webhooks.list(accountId),
    ]);
    const once = request.method === 'GET' ? takeOnce(request, reply, web) : undefined;
    const query = request.query as Record<string, string | undefined>;
    const noticeKey = query.notice === undefined ? undefined : NOTICES.get(query.notice);
    const body = html`<h1>${t('dev.title')}</h1>
      <p>${t('dev.intro')}</p>
      <p>
        ${t('dev.headerHelp')} <code>VUDUMOBILE-API-KEY</code>.
        <a href="/docs">${t('dev.docs')}</a>
      </p>
      ${onceBlock(web, once, keys, hooks, ctx.config.publicUrl)} ${keysSection(web, keys, options.keyForm)}
      ${webhooksSection(web, hooks, options.hookForm)}`;
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('dev.title'),
        nav: 'developers',
        notice: options.notice ?? (noticeKey ? notice('success', t(noticeKey)) : undefined),
        body,
      }),
      options.status ?? 200,
    );
  };

  const view: DevelopersView = {
    render,
    notFound(request, reply) {
      const web = webState(request);
      const { t } = web.i18n;
      return sendHtml(reply, layout.message(web, t('error.title'), t('dev.notFound')), 404);
    },
  };

  app.get('/developers', { config: { access: 'admin' } }, async (request, reply) => render(request, reply));
  registerKeyPages(app, deps, view);
  registerWebhookPages(app, deps, view);
}

/** The new key or webhook secret, if the creation just redirected here and it is still the account's. */
function onceBlock(
  web: WebState,
  once: ShownOnce | undefined,
  keys: readonly ApiKey[],
  hooks: readonly Webhook[],
  publicUrl: string,
): SafeHtml | undefined {
  if (!once) return undefined;
  if (once.kind === 'key') {
    const key = keys.find((k) => k.id === once.id && k.revokedAt === null);
    return key ? keyCreatedPanel(web, key, once.secret, publicUrl) : undefined;
  }
  const hook = hooks.find((h) => h.id === once.id);
  return hook ? hookCreatedPanel(web, hook, once.secret) : undefined;
}
