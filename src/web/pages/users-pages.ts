import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import {
  parseUiLanguage,
  parseUserRole,
  USER_ROLES,
  type UiLanguage,
  type User,
  type UserRole,
} from '../../domain/users/users.js';
import { csrfField, field, notice, selectField } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { SESSION_COOKIE, redirect, sendHtml, setCookie, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { notFoundPage, redirectNotice, rowAction, settingsTabs } from './settings-pages.js';

const ROLE_KEYS: Readonly<Record<UserRole, MessageKey>> = {
  admin: 'settings.role.admin',
  member: 'settings.role.member',
};
const LANGUAGE_KEYS: Readonly<Record<UiLanguage, MessageKey>> = {
  fr: 'settings.lang.fr',
  en: 'settings.lang.en',
};

interface InviteForm {
  readonly email: string;
  readonly name: string;
  readonly role: string;
  readonly language: string;
}

interface UsersView {
  readonly users: readonly User[];
  readonly notice?: SafeHtml;
  /** A refused change of role or removal: the domain's message. */
  readonly error?: string;
  readonly invite?: InviteForm;
  readonly inviteError?: string;
  /** Just invited: the link, shown this once, and to whom it was emailed. */
  readonly invited?: { readonly email: string; readonly link: string };
}

/** `/settings/users` (admins): the account's users, their roles, invitations and removal. */
export function registerUsersPages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const page = (web: WebState, view: UsersView) => {
    const { t } = web.i18n;
    const me = web.session?.user.id;
    const invite = view.invite ?? { email: '', name: '', role: 'member', language: web.i18n.lang };
    const display = (user: User) => user.name || user.email;
    return layout.page(web, {
      title: `${t('settings.tab.users')} · ${t('settings.title')}`,
      nav: 'settings',
      notice: view.error
        ? notice('error', view.error)
        : view.inviteError
          ? notice('error', view.inviteError)
          : view.notice,
      body: html`<h1>${t('settings.title')}</h1>
        ${settingsTabs(web, 'users')} ${view.invited ? invitedPanel(web, view.invited) : ''}
        <section class="panel" aria-labelledby="users-heading">
          <h2 id="users-heading">${t('users.heading')}</h2>
          <p class="muted">${t('users.roleHelp')}</p>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">${t('users.name')}</th>
                  <th scope="col">${t('users.email')}</th>
                  <th scope="col">${t('users.role')}</th>
                  <th scope="col">${t('users.language')}</th>
                  <th scope="col">${t('users.status')}</th>
                  <th scope="col">${t('users.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${view.users.map(
                  (user) =>
                    html`<tr data-user="${user.id}">
                      <th scope="row">
                        ${user.name || html`<span class="muted">${t('users.noName')}</span>`}
                        ${user.id === me ? html`<span class="muted">${t('users.you')}</span>` : ''}
                      </th>
                      <td>${user.email}</td>
                      <td>
                        <form method="post" action="/settings/users/${user.id}/role" class="row">
                          ${csrfField(web)}
                          <select name="role" aria-label="${t('users.roleOf', { name: display(user) })}">
                            ${USER_ROLES.map(
                              (role) =>
                                html`<option value="${role}" ${role === user.role ? html`selected` : ''}>
                                  ${t(ROLE_KEYS[role])}
                                </option>`,
                            )}
                          </select>
                          <button
                            type="submit"
                            class="button"
                            aria-label="${t('users.changeRoleOf', { name: display(user) })}"
                          >
                            ${t('users.changeRole')}
                          </button>
                        </form>
                      </td>
                      <td>${t(LANGUAGE_KEYS[user.language])}</td>
                      <td>
                        ${
                          user.hasPassword
                            ? t('users.active', { date: web.i18n.dateTime(user.createdAt) })
                            : html`<span class="tag"
                                >${t('users.pending', { date: web.i18n.dateTime(user.createdAt) })}</span
                              >`
                        }
                      </td>
                      <td>
                        ${
                          user.hasPassword
                            ? ''
                            : rowAction(web, {
                                action: `/settings/users/${user.id}/invite`,
                                label: t('users.reinvite'),
                                ariaLabel: t('users.reinviteLabel', { name: display(user) }),
                              })
                        }
                        ${rowAction(web, {
                          action: `/settings/users/${user.id}/remove`,
                          label: t('users.remove'),
                          ariaLabel: t('users.removeLabel', { name: display(user) }),
                          confirm: t('users.confirmRemove', { name: display(user) }),
                          danger: true,
                        })}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>
        </section>
        <section class="panel" aria-labelledby="invite-heading">
          <h2 id="invite-heading">${t('users.invite.heading')}</h2>
          <p>${t('users.invite.intro')}</p>
          <form method="post" action="/settings/users/invite" class="stack">
            ${csrfField(web)}
            ${field({ name: 'email', label: t('users.invite.email'), type: 'email', value: invite.email, required: true, autocomplete: 'off' })}
            ${field({ name: 'name', label: t('users.invite.name'), value: invite.name, autocomplete: 'off', attrs: html`maxlength="100"` })}
            ${selectField({
              name: 'role',
              label: t('users.invite.role'),
              choices: USER_ROLES.map((role) => ({ value: role, label: t(ROLE_KEYS[role]) })),
              selected: invite.role,
            })}
            ${selectField({
              name: 'language',
              label: t('users.invite.language'),
              choices: [
                { value: 'fr', label: t('settings.lang.fr') },
                { value: 'en', label: t('settings.lang.en') },
              ],
              selected: invite.language,
            })}
            <button type="submit" class="button primary">${t('users.invite.submit')}</button>
          </form>
        </section>`,
    });
  };

  const NOTICES: Readonly<Record<string, MessageKey>> = {
    roleChanged: 'users.roleChanged',
    removed: 'users.removed',
  };

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    view: Omit<UsersView, 'users'>,
    status = 200,
  ) => {
    const users = await ctx.users.listUsers(signedIn(request).user.accountId);
    return sendHtml(reply, page(webState(request), { ...view, users }), status);
  };

  /** Invites (or invites again) and shows the link once; the email goes through the email queue. */
  const invite = async (request: FastifyRequest, reply: FastifyReply, form: InviteForm) => {
    const web = webState(request);
    const session = signedIn(request);
    const role = parseUserRole(form.role);
    const language = parseUiLanguage(form.language);
    try {
      const { user, token } = await ctx.users.invite(
        session.user.accountId,
        {
          email: form.email,
          name: form.name,
          // An unknown value is the domain's to refuse, with its message.
          role: role ?? (form.role as UserRole),
          language: language ?? (form.language as UiLanguage),
        },
        { notify: { invitedBy: session.user.name || session.user.email } },
      );
      return show(request, reply, {
        notice: notice('success', web.i18n.t('users.invite.sent', { email: user.email })),
        invited: { email: user.email, link: ctx.users.invitationUrl(token) },
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return show(request, reply, { invite: form, inviteError: web.i18n.error(error) }, 400);
    }
  };

  /** The user of the URL, looked up within the signed-in admin's account (another's answers 404). */
  const target = async (request: FastifyRequest): Promise<User | undefined> => {
    const id = wholeNumber((request.params as { id: string }).id);
    return id === undefined ? undefined : ctx.users.findUser(signedIn(request).user.accountId, id);
  };

  app.get('/settings/users', { config: { access: 'admin' } }, async (request, reply) =>
    show(request, reply, { notice: redirectNotice(webState(request), request.query, NOTICES) }),
  );

  app.post('/settings/users/invite', { config: { access: 'admin' } }, async (request, reply) => {
    const params = formParams(request);
    return invite(request, reply, {
      email: params.get('email') ?? '',
      name: params.get('name') ?? '',
      role: params.get('role') ?? '',
      language: params.get('language') ?? '',
    });
  });

  app.post('/settings/users/:id/invite', { config: { access: 'admin' } }, async (request, reply) => {
    const user = await target(request);
    if (!user) return notFoundPage(reply, webState(request), layout);
    return invite(request, reply, {
      email: user.email,
      name: user.name,
      role: user.role,
      language: user.language,
    });
  });

  app.post('/settings/users/:id/role', { config: { access: 'admin' } }, async (request, reply) => {
    const web = webState(request);
    const session = signedIn(request);
    const user = await target(request);
    if (!user) return notFoundPage(reply, web, layout);
    const raw = formParams(request).get('role') ?? '';
    try {
      await ctx.users.setRole(session.user.accountId, user.id, parseUserRole(raw) ?? (raw as UserRole));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.id === 'user_not_found') return notFoundPage(reply, web, layout);
      return show(request, reply, { error: web.i18n.error(error) }, 400);
    }
    // An admin who made themselves a member can no longer see this page: their profile instead.
    if (user.id === session.user.id && raw === 'member')
      return redirect(reply, '/profile?notice=roleChanged');
    return redirect(reply, '/settings/users?notice=roleChanged');
  });

  app.post('/settings/users/:id/remove', { config: { access: 'admin' } }, async (request, reply) => {
    const web = webState(request);
    const session = signedIn(request);
    const user = await target(request);
    if (!user) return notFoundPage(reply, web, layout);
    try {
      await ctx.users.removeUser(session.user.accountId, user.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.id === 'user_not_found') return notFoundPage(reply, web, layout);
      return show(request, reply, { error: web.i18n.error(error) }, 400);
    }
    if (user.id === session.user.id) {
      // Removed themselves: their sessions went with them.
      setCookie(reply, web, SESSION_COOKIE, '', 0);
      return redirect(reply, '/sign-in');
    }
    return redirect(reply, '/settings/users?notice=removed');
  });
}

function invitedPanel(web: WebState, invited: { readonly email: string; readonly link: string }): SafeHtml {
  const { t } = web.i18n;
  return html`<section class="panel" aria-labelledby="invited-heading">
    <h2 id="invited-heading">${t('users.invite.link')}</h2>
    <div class="field">
      <label for="invitation-link">${t('users.invite.link')} (${invited.email})</label>
      <input
        id="invitation-link"
        type="text"
        readonly
        value="${invited.link}"
        aria-describedby="invitation-link-hint"
      />
      <p class="hint" id="invitation-link-hint">${t('users.invite.linkHint')}</p>
    </div>
    <button
      type="button"
      class="button"
      data-copy="invitation-link"
      data-copied="${t('users.invite.copied')}"
    >
      ${t('users.invite.copy')}
    </button>
  </section>`;
}
