import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import {
  parseUiLanguage,
  type UiLanguage,
  type UserRole,
  type WebSession,
} from '../../domain/users/users.js';
import { csrfField, field, notice, selectField } from '../components.js';
import { formParams } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { LANGUAGE_COOKIE, SESSION_COOKIE, redirect, sendHtml, setCookie, type WebDeps } from '../respond.js';
import { timeZoneChoices } from '../time-zones.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { redirectNotice } from './settings-pages.js';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

const ROLE_KEYS: Readonly<Record<UserRole, MessageKey>> = {
  admin: 'settings.role.admin',
  member: 'settings.role.member',
};

interface ProfileForm {
  readonly name: string;
  readonly language: string;
  readonly timeZone: string;
}

interface ProfileView {
  readonly session: WebSession;
  readonly accountName: string;
  readonly notice?: SafeHtml;
  readonly form?: ProfileForm;
  readonly profileError?: string;
  readonly passwordError?: string;
}

/** `/profile` (every signed-in user): their name, language and time zone, and their password. */
export function registerProfilePages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const page = (web: WebState, view: ProfileView) => {
    const { t } = web.i18n;
    const session = view.session;
    const user = session.user;
    const form = view.form ?? user;
    return layout.page(web, {
      title: t('profile.title'),
      nav: 'profile',
      notice: view.profileError
        ? notice('error', view.profileError)
        : view.passwordError
          ? notice('error', view.passwordError)
          : view.notice,
      body: html`<h1>${t('profile.title')}</h1>
        <section class="panel" aria-labelledby="profile-heading">
          <h2 id="profile-heading">${t('profile.heading')}</h2>
          <dl class="facts">
            <dt>${t('profile.email')}</dt>
            <dd>${user.email}</dd>
            <dt>${t('profile.account')}</dt>
            <dd>${view.accountName}</dd>
            <dt>${t('profile.role')}</dt>
            <dd>${t(ROLE_KEYS[user.role])}</dd>
            <dt>${t('profile.signedInAt')}</dt>
            <dd data-signed-in-at>${web.i18n.dateTime(session.createdAt)}</dd>
          </dl>
          <form method="post" action="/profile" class="stack">
            ${csrfField(web)}
            ${field({ name: 'name', label: t('profile.name'), value: form.name, autocomplete: 'name', attrs: html`maxlength="100"` })}
            ${selectField({
              name: 'language',
              label: t('profile.language'),
              choices: [
                { value: 'fr', label: t('settings.lang.fr') },
                { value: 'en', label: t('settings.lang.en') },
              ],
              selected: form.language,
            })}
            ${selectField({
              name: 'timeZone',
              label: t('profile.timeZone'),
              choices: timeZoneChoices(form.timeZone),
              selected: form.timeZone,
            })}
            <p class="hint">${t('profile.timeZoneHint')}</p>
            <button type="submit" class="button primary">${t('profile.save')}</button>
          </form>
        </section>
        <section class="panel" aria-labelledby="password-heading">
          <h2 id="password-heading">${t('profile.password.heading')}</h2>
          <p>${t('profile.password.intro')}</p>
          <form method="post" action="/profile/password" class="stack">
            ${csrfField(web)}
            <input type="hidden" name="username" value="${user.email}" autocomplete="username" />
            ${field({ name: 'current', label: t('profile.password.current'), type: 'password', required: true, autocomplete: 'current-password' })}
            ${field({ name: 'password', label: t('password.new'), type: 'password', required: true, autocomplete: 'new-password', hint: t('password.rule'), attrs: html`minlength="10"` })}
            ${field({ name: 'confirm', label: t('password.confirm'), type: 'password', required: true, autocomplete: 'new-password' })}
            <button type="submit" class="button primary">${t('profile.password.submit')}</button>
          </form>
        </section>`,
    });
  };

  const accountName = async (accountId: number) => (await ctx.accounts.findAccount(accountId))?.name ?? '';

  const NOTICES: Readonly<Record<string, MessageKey>> = {
    saved: 'profile.saved',
    passwordChanged: 'profile.password.changed',
    roleChanged: 'users.roleChanged',
  };

  app.get('/profile', async (request, reply) => {
    const web = webState(request);
    const session = signedIn(request);
    const name = await accountName(session.user.accountId);
    return sendHtml(
      reply,
      page(web, { session, accountName: name, notice: redirectNotice(web, request.query, NOTICES) }),
    );
  });

  app.post('/profile', async (request, reply) => {
    const web = webState(request);
    const session = signedIn(request);
    const user = session.user;
    const params = formParams(request);
    const form: ProfileForm = {
      name: params.get('name') ?? '',
      language: params.get('language') ?? '',
      timeZone: params.get('timeZone') ?? '',
    };
    try {
      const saved = await ctx.users.updateProfile(user.id, {
        name: form.name,
        // An unknown value is the domain's to refuse, with its message.
        language: parseUiLanguage(form.language) ?? (form.language as UiLanguage),
        timeZone: form.timeZone,
      });
      // The language also follows the browser once signed out (the sign-in page, a reset link).
      setCookie(reply, web, LANGUAGE_COOKIE, saved.language, ONE_YEAR_SECONDS);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const name = await accountName(user.accountId);
      return sendHtml(
        reply,
        page(web, { session, accountName: name, form, profileError: web.i18n.error(error) }),
        400,
      );
    }
    return redirect(reply, '/profile?notice=saved');
  });

  app.post('/profile/password', async (request, reply) => {
    const web = webState(request);
    const session = signedIn(request);
    const user = session.user;
    const params = formParams(request);
    const password = params.get('password') ?? '';
    const fail = async (text: string) =>
      sendHtml(
        reply,
        page(web, { session, accountName: await accountName(user.accountId), passwordError: text }),
        400,
      );
    if (password !== (params.get('confirm') ?? '')) return fail(web.i18n.t('password.mismatch'));
    try {
      // Every session of the user ends, this one too; this browser carries on with the new one.
      const { token } = await ctx.users.changePassword(user.id, params.get('current') ?? '', password);
      setCookie(reply, web, SESSION_COOKIE, token);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return fail(web.i18n.error(error));
    }
    return redirect(reply, '/profile?notice=passwordChanged');
  });
}
