import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, signInRateLimited } from '../../domain/errors.js';
import { csrfField, field, notice } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import { isLanguage } from '../i18n/catalog.js';
import { formParams } from '../forms.js';
import { LANGUAGE_COOKIE, SESSION_COOKIE, redirect, sendHtml, setCookie, type WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** Only same-site paths are followed after sign-in (no open redirect to another host). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** Sign-in, sign-out, invitations, forgotten and reset passwords, and the language switch. */
export function registerAuthPages(app: FastifyInstance, { ctx, layout, limits }: WebDeps): void {
  const signInPage = (
    web: WebState,
    options: { email?: string; next?: string; error?: string; info?: string },
  ) => {
    const { t } = web.i18n;
    return layout.page(web, {
      title: t('signIn.title'),
      notice: options.error
        ? notice('error', options.error)
        : options.info
          ? notice('success', options.info)
          : undefined,
      body: html`<section class="narrow">
        <h1>${t('signIn.title')}</h1>
        <form method="post" action="/sign-in" class="stack">
          ${csrfField(web)}
          <input type="hidden" name="next" value="${safeNext(options.next)}" />
          ${field({ name: 'email', label: t('signIn.email'), type: 'email', value: options.email, required: true, autocomplete: 'username' })}
          ${field({ name: 'password', label: t('signIn.password'), type: 'password', required: true, autocomplete: 'current-password' })}
          <button type="submit" class="button primary">${t('signIn.submit')}</button>
        </form>
        <p><a href="/password/forgot">${t('signIn.forgot')}</a></p>
      </section>`,
    });
  };

  app.get('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const web = webState(request);
    const query = request.query as Record<string, string | undefined>;
    if (web.session) return redirect(reply, safeNext(query.next));
    const info =
      query.notice === 'signedOut'
        ? web.i18n.t('signOut.done')
        : query.notice === 'passwordSet'
          ? web.i18n.t('password.setDone')
          : undefined;
    return sendHtml(reply, signInPage(web, { next: query.next, info }));
  });

  app.post('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const web = webState(request);
    const form = formParams(request);
    const email = form.get('email') ?? '';
    const next = form.get('next') ?? undefined;
    // Counted before the password is checked: a spray is refused without costing an argon2 hash.
    if (await limits.signIn(request, reply, { address: request.ip, email })) {
      const text = web.i18n.error(signInRateLimited());
      return sendHtml(reply, signInPage(web, { email, next, error: text }), 429);
    }
    try {
      const { token } = await ctx.users.signIn(email, form.get('password') ?? '', request.ip);
      setCookie(reply, web, SESSION_COOKIE, token);
      return redirect(reply, safeNext(next));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const throttled = error.id === 'sign_in_throttled';
      const text = web.i18n.error(error);
      return sendHtml(reply, signInPage(web, { email, next, error: text }), throttled ? 429 : 401);
    }
  });

  app.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
    const web = webState(request);
    if (web.sessionToken) await ctx.users.signOut(web.sessionToken);
    setCookie(reply, web, SESSION_COOKIE, '', 0);
    return redirect(reply, '/sign-in?notice=signedOut');
  });

  app.post('/language', { config: { access: 'public' } }, async (request, reply) => {
    const web = webState(request);
    const lang = formParams(request).get('lang');
    if (isLanguage(lang)) {
      setCookie(reply, web, LANGUAGE_COOKIE, lang, ONE_YEAR_SECONDS);
      const user = web.session?.user;
      if (user)
        await ctx.users.updateProfile(user.id, { name: user.name, language: lang, timeZone: user.timeZone });
    }
    return redirect(reply, safeNext(backTo(request)));
  });

  const passwordForm = (
    web: WebState,
    action: string,
    intro: SafeHtml | undefined,
    title: string,
    email: string,
    error?: string,
  ) => {
    const { t } = web.i18n;
    return layout.page(web, {
      title,
      notice: error ? notice('error', error) : undefined,
      body: html`<section class="narrow">
        <h1>${title}</h1>
        ${intro}
        <form method="post" action="${action}" class="stack">
          ${csrfField(web)}
          <input type="email" name="username" value="${email}" autocomplete="username" hidden readonly />
          ${field({ name: 'password', label: t('password.new'), type: 'password', required: true, autocomplete: 'new-password', hint: t('password.rule'), attrs: html`minlength="10"` })}
          ${field({ name: 'confirm', label: t('password.confirm'), type: 'password', required: true, autocomplete: 'new-password' })}
          <button type="submit" class="button primary">${t('password.set')}</button>
        </form>
      </section>`,
    });
  };

  /** The invitation and reset pages: the same form, reached through a single-use token. */
  const tokenPages = (path: string, titleKey: 'invitation.title' | 'reset.title') => {
    const show = async (request: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => {
      const web = webState(request);
      const { token } = request.params as { token: string };
      const { t } = web.i18n;
      const info = await ctx.users.inspectToken(token);
      if (!info) return sendHtml(reply, layout.message(web, t(titleKey), t('password.invalidLink')), 404);
      const account = await ctx.accounts.findAccount(info.user.accountId);
      const intro =
        titleKey === 'invitation.title'
          ? html`<p>${t('invitation.intro', { account: account?.name ?? '', email: info.user.email })}</p>`
          : html`<p>${info.user.email}</p>`;
      return sendHtml(
        reply,
        passwordForm(web, `${path}/${token}`, intro, t(titleKey), info.user.email, error),
        status,
      );
    };
    app.get(`${path}/:token`, { config: { access: 'public' } }, async (request, reply) =>
      show(request, reply),
    );
    app.post(`${path}/:token`, { config: { access: 'public' } }, async (request, reply) => {
      const web = webState(request);
      const form = formParams(request);
      const password = form.get('password') ?? '';
      if (password !== (form.get('confirm') ?? ''))
        return show(request, reply, web.i18n.t('password.mismatch'), 400);
      const { token } = request.params as { token: string };
      try {
        await ctx.users.setPasswordWithToken(token, password);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return show(request, reply, web.i18n.error(error), 400);
      }
      return redirect(reply, '/sign-in?notice=passwordSet');
    });
  };
  tokenPages('/invitation', 'invitation.title');
  tokenPages('/password/reset', 'reset.title');

  const forgotPage = (web: WebState, sent: boolean) => {
    const { t } = web.i18n;
    return layout.page(web, {
      title: t('forgot.title'),
      notice: sent ? notice('success', t('forgot.sent')) : undefined,
      body: html`<section class="narrow">
        <h1>${t('forgot.title')}</h1>
        <p>${t('forgot.intro')}</p>
        <form method="post" action="/password/forgot" class="stack">
          ${csrfField(web)}
          ${field({ name: 'email', label: t('signIn.email'), type: 'email', required: true, autocomplete: 'username' })}
          <button type="submit" class="button primary">${t('forgot.submit')}</button>
        </form>
        <p><a href="/sign-in">${t('signIn.title')}</a></p>
      </section>`,
    });
  };
  app.get('/password/forgot', { config: { access: 'public' } }, async (request, reply) =>
    sendHtml(reply, forgotPage(webState(request), false)),
  );
  app.post('/password/forgot', { config: { access: 'public' } }, async (request, reply) => {
    const web = webState(request);
    const email = (formParams(request).get('email') ?? '').trim();
    // The same answer whether or not the email is known: the page must not reveal who has an account.
    if (email !== '') await ctx.users.requestPasswordReset(email, web.i18n.lang);
    return sendHtml(reply, forgotPage(web, true));
  });
}

/** Where the language switch returns: the page it was pressed on (same site only). */
function backTo(request: FastifyRequest): string | undefined {
  const referer = request.headers.referer;
  if (!referer) return undefined;
  try {
    const url = new URL(referer);
    return url.host === request.headers.host ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}
