import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { DomainError } from '../domain/errors.js';
import { decodeUtf8Body } from '../http/params.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { ANONYMOUS_CSRF_COOKIE, csrfAccepted, newAnonymousCsrfToken, sessionCsrfToken } from './csrf.js';
import { isLanguage, type Language } from './i18n/catalog.js';
import { createTranslator } from './i18n/translator.js';
import { Layout } from './layout.js';
import { registerAuthPages } from './pages/auth-pages.js';
import { registerContactListPages } from './pages/contacts-list-pages.js';
import { registerContactPages } from './pages/contacts-pages.js';
import { registerGroupPages } from './pages/groups-pages.js';
import { registerDevelopersPages } from './pages/developers-pages.js';
import { registerProfilePages } from './pages/profile-pages.js';
import { registerSettingsPages } from './pages/settings-pages.js';
import { registerUsersPages } from './pages/users-pages.js';
import { registerImportPages } from './pages/import-pages.js';
import { registerSendPage } from './pages/send-page.js';
import { registerBroadcastPages } from './pages/broadcasts-pages.js';
import { registerBroadcastDetail } from './pages/broadcast-detail.js';
import { registerBroadcastLive } from './pages/broadcast-live.js';
import { registerBroadcastStartPages } from './pages/broadcast-start-pages.js';
import { registerMessagesPages } from './pages/messages-pages.js';
import { registerDashboardPage } from './pages/dashboard-page.js';
import { registerInboxPages } from './pages/inbox-pages.js';
import {
  DEFAULT_TIME_ZONE,
  LANGUAGE_COOKIE,
  SESSION_COOKIE,
  redirect,
  sendHtml,
  type WebDeps,
  type WebLimits,
} from './respond.js';
import { loadStaticAssets, type StaticAsset } from './static-assets.js';
import { webState, type WebState } from './web-state.js';

function preferredLanguage(request: FastifyRequest, cookies: Map<string, string>): Language {
  const chosen = cookies.get(LANGUAGE_COOKIE);
  if (isLanguage(chosen)) return chosen;
  // French unless the browser ranks English before any French.
  const accept = (request.headers['accept-language'] ?? '').toLowerCase();
  const en = accept.search(/(^|,)\s*en/);
  const fr = accept.search(/(^|,)\s*fr/);
  return en !== -1 && (fr === -1 || en < fr) ? 'en' : 'fr';
}

export interface WebApp {
  register(app: FastifyInstance, limits: WebLimits): Promise<void>;
  /** The 404 of any path outside the API, in the visitor's language (no session lookup). */
  notFoundPage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

/** Reads the cookies: the session (if any), the CSRF token, the language and time zone. */
async function loadWebState(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<WebState> {
  const cookies = parseCookies(request.headers.cookie);
  const token = cookies.get(SESSION_COOKIE);
  const session = token ? await ctx.users.authenticate(token) : undefined;
  const secure = request.protocol === 'https';
  let csrf: string;
  if (session && token) {
    csrf = sessionCsrfToken(token);
  } else {
    csrf = cookies.get(ANONYMOUS_CSRF_COOKIE) ?? newAnonymousCsrfToken();
    if (!cookies.has(ANONYMOUS_CSRF_COOKIE)) {
      reply.header('set-cookie', serializeCookie(ANONYMOUS_CSRF_COOKIE, csrf, { httpOnly: true, secure }));
    }
  }
  // A stale or revoked session cookie is dropped so the browser stops sending it.
  if (token && !session) {
    const drop = serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure, maxAge: 0 });
    const previous = reply.getHeader('set-cookie');
    reply.header('set-cookie', typeof previous === 'string' ? [previous, drop] : drop);
  }
  const lang = session ? session.user.language : preferredLanguage(request, cookies);
  const timeZone = session ? session.user.timeZone : DEFAULT_TIME_ZONE;
  return {
    session,
    sessionToken: session ? token : undefined,
    csrf,
    secure,
    i18n: createTranslator(lang, timeZone),
  };
}

/** The web application: `/` and its pages, beside the API, in the same process and port. */
export function createWebApp(ctx: AppContext): WebApp {
  const assets = loadStaticAssets();
  const layout = new Layout(assets);
  return {
    register: (app, limits) => registerWebApp(app, { ctx, layout, limits }, assets),
    async notFoundPage(request, reply) {
      const web = await loadWebState(ctx, request, reply);
      const { t } = web.i18n;
      return sendHtml(reply, layout.message(web, t('error.title'), t('error.notFound')), 404);
    },
  };
}

async function registerWebApp(
  app: FastifyInstance,
  deps: WebDeps,
  assets: ReadonlyMap<string, StaticAsset>,
): Promise<void> {
  const { ctx, layout } = deps;
  app.get('/static/:name', { schema: { hide: true } }, async (request, reply) => {
    const { name } = request.params as { name: string };
    const asset = assets.get(name);
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    reply
      .type(asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding');
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? asset.gzipped : asset.body);
  });

  await app.register(async (web) => {
    web.decorateRequest('web', undefined);
    // Forms arrive url-encoded; repeated fields (several contacts ticked) are kept, so URLSearchParams.
    web.removeContentTypeParser('application/x-www-form-urlencoded');
    web.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'buffer' },
      (_req, body, done) => {
        try {
          done(null, new URLSearchParams(decodeUtf8Body(body as Buffer)));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );

    // Server time of every page (session lookup to the last byte rendered), for browsers' devtools
    // and bench/web.ts: `Server-Timing: app;dur=<ms>`.
    const started = new WeakMap<FastifyRequest, number>();
    web.addHook('onRequest', async (request, reply) => {
      started.set(request, performance.now());
      request.web = await loadWebState(ctx, request, reply);
    });
    web.addHook('onSend', async (request, reply, payload) => {
      const start = started.get(request);
      const type = reply.getHeader('content-type');
      if (start !== undefined && typeof type === 'string' && type.startsWith('text/html')) {
        reply.header('server-timing', `app;dur=${(performance.now() - start).toFixed(1)}`);
      }
      return payload;
    });

    web.addHook('preHandler', async (request, reply) => {
      const state = webState(request);
      const access = request.routeOptions.config.access ?? 'member';
      if (request.method !== 'GET' && request.method !== 'HEAD' && !csrfAccepted(request, state.csrf)) {
        const { t } = state.i18n;
        return sendHtml(reply, layout.message(state, t('error.title'), t('error.csrf')), 403);
      }
      if (access === 'public') return undefined;
      if (!state.session) {
        // The home page is where a sign-in leads anyway: no `next` to carry.
        const next =
          request.method === 'GET' && request.url !== '/' ? `?next=${encodeURIComponent(request.url)}` : '';
        return redirect(reply, `/sign-in${next}`);
      }
      if (access === 'admin' && state.session.user.role !== 'admin') {
        const { t } = state.i18n;
        return sendHtml(reply, layout.message(state, t('error.title'), t('error.forbidden')), 403);
      }
      return undefined;
    });

    web.setErrorHandler((error: FastifyError, request, reply) => {
      const state = request.web;
      if (!state) throw error;
      const { t } = state.i18n;
      if (error instanceof DomainError) {
        return sendHtml(reply, layout.message(state, t('error.title'), state.i18n.error(error)), 400);
      }
      if (error.statusCode === 413) {
        return sendHtml(reply, layout.message(state, t('error.title'), t('error.tooLarge')), 413);
      }
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return sendHtml(reply, layout.message(state, t('error.title'), t('error.badRequest')), 400);
      }
      request.log.error({ err: error, reqId: request.id }, 'unexpected error in a web page');
      return sendHtml(
        reply,
        layout.message(state, t('error.title'), t('error.internal', { id: request.id })),
        500,
      );
    });

    registerAuthPages(web, deps);
    registerContactListPages(web, deps);
    registerContactPages(web, deps);
    registerGroupPages(web, deps);
    registerSettingsPages(web, deps);
    registerUsersPages(web, deps);
    registerProfilePages(web, deps);
    registerDevelopersPages(web, deps);
    registerImportPages(web, deps);
    registerSendPage(web, deps);
    registerBroadcastPages(web, deps);
    registerBroadcastDetail(web, deps);
    registerBroadcastLive(web, deps);
    registerBroadcastStartPages(web, deps);
    registerDashboardPage(web, deps);
    registerMessagesPages(web, deps);
    registerInboxPages(web, deps);
  });
}
