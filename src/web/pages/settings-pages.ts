import type { FastifyInstance, FastifyReply } from 'fastify';
import { PHONE_COUNTRIES } from '../../domain/accounts/account-settings.js';
import type { Account } from '../../domain/accounts/accounts.js';
import { DomainError, type ErrorId } from '../../domain/errors.js';
import { csrfField, field, notice, selectField, type SelectOption } from '../components.js';
import { formParams } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { LOCALE } from '../i18n/catalog.js';
import type { MessageKey } from '../i18n/messages.js';
import type { Layout } from '../layout.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';

/** The two sections of the settings, as tabs above both pages. */
export function settingsTabs(web: WebState, current: 'account' | 'users'): SafeHtml {
  const { t } = web.i18n;
  const tab = (area: 'account' | 'users', href: string, key: MessageKey) =>
    html`<li>
      <a href="${href}" ${area === current ? html`aria-current="page"` : ''}>${t(key)}</a>
    </li>`;
  return html`<nav class="settings-tabs" aria-label="${t('settings.tabs')}">
    <ul>
      ${tab('account', '/settings', 'settings.tab.account')}
      ${tab('users', '/settings/users', 'settings.tab.users')}
    </ul>
  </nav>`;
}

/**
 * A one-button form of a table row (remove, resend…): its button names the row for screen readers,
 * where the visible label alone ("Remove") would be read the same on every row.
 */
export function rowAction(
  web: WebState,
  options: {
    readonly action: string;
    readonly label: string;
    readonly ariaLabel: string;
    readonly confirm?: string;
    readonly danger?: boolean;
    readonly fields?: SafeHtml;
  },
): SafeHtml {
  return html`<form
    method="post"
    action="${options.action}"
    class="inline"
    ${options.confirm ? html`data-confirm="${options.confirm}"` : ''}
  >
    ${csrfField(web)}${options.fields}
    <button type="submit" class="button${options.danger ? ' danger' : ''}" aria-label="${options.ariaLabel}">
      ${options.label}
    </button>
  </form>`;
}

/** The 404 page: what an id or number of another account answers, exactly as one that does not exist. */
export function notFoundPage(reply: FastifyReply, web: WebState, layout: Layout): FastifyReply {
  const { t } = web.i18n;
  return sendHtml(reply, layout.message(web, t('error.title'), t('error.notFound')), 404);
}

/** A notice named by `?notice=` after a redirect: only the keys a page lists, never free text. */
export function redirectNotice(
  web: WebState,
  query: unknown,
  known: Readonly<Record<string, MessageKey>>,
): SafeHtml | undefined {
  const name = (query as Record<string, string | undefined>).notice;
  const key = name !== undefined && Object.hasOwn(known, name) ? known[name] : undefined;
  return key ? notice('success', web.i18n.t(key)) : undefined;
}

const countryLists = new Map<string, SelectOption[]>();

/** Every country a phone number can be read in, by name in the reader's language. */
function countryChoices(web: WebState): SelectOption[] {
  const locale = LOCALE[web.i18n.lang];
  let list = countryLists.get(locale);
  if (!list) {
    const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
    list = PHONE_COUNTRIES.map((code) => ({ value: code, label: `${names.of(code) ?? code} (${code})` }));
    list.sort((a, b) => a.label.localeCompare(b.label, locale));
    countryLists.set(locale, list);
  }
  return list;
}

interface AccountForm {
  readonly name: string;
  readonly defaultLanguage: string;
  readonly defaultCountry: string;
}

interface SettingsView {
  readonly account: Account;
  readonly senders: readonly string[];
  /** The account form as typed, when it is shown again with an error. */
  readonly form?: AccountForm;
  readonly formError?: DomainError;
  readonly number?: string;
  readonly numberError?: string;
  readonly notice?: SafeHtml;
}

const NAME_ERRORS: readonly ErrorId[] = ['account_name_required', 'account_name_too_long'];

/** `/settings` (admins): the account's name, default language and country, and its sender numbers. */
export function registerSettingsPages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const page = (web: WebState, view: SettingsView) => {
    const { t } = web.i18n;
    const form = view.form ?? view.account;
    const formError = view.formError ? web.i18n.error(view.formError) : undefined;
    const nameError = view.formError && NAME_ERRORS.includes(view.formError.id) ? formError : undefined;
    return layout.page(web, {
      title: t('settings.title'),
      nav: 'settings',
      notice: formError
        ? notice('error', formError)
        : view.numberError
          ? notice('error', view.numberError)
          : view.notice,
      body: html`<h1>${t('settings.title')}</h1>
        ${settingsTabs(web, 'account')}
        <section class="panel" aria-labelledby="account-heading">
          <h2 id="account-heading">${t('settings.account.heading')}</h2>
          <form method="post" action="/settings" class="stack">
            ${csrfField(web)}
            ${field({ name: 'name', label: t('settings.account.name'), value: form.name, required: true, error: nameError, attrs: html`maxlength="100"` })}
            ${selectField({
              name: 'defaultLanguage',
              label: t('settings.account.language'),
              choices: [
                { value: 'fr', label: t('settings.lang.fr') },
                { value: 'en', label: t('settings.lang.en') },
              ],
              selected: form.defaultLanguage,
            })}
            <p class="hint">${t('settings.account.languageHint')}</p>
            ${selectField({
              name: 'defaultCountry',
              label: t('settings.account.country'),
              choices: countryChoices(web),
              selected: form.defaultCountry.toUpperCase(),
            })}
            <p class="hint">${t('settings.account.countryHint')}</p>
            <button type="submit" class="button primary">${t('settings.account.save')}</button>
          </form>
        </section>
        <section class="panel" aria-labelledby="senders-heading">
          <h2 id="senders-heading">${t('settings.senders.heading')}</h2>
          <p>${t('settings.senders.intro')}</p>
          ${
            view.senders.length === 0
              ? html`<p class="muted">${t('settings.senders.none')}</p>`
              : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t('settings.senders.number')}</th>
                        <th scope="col">${t('settings.senders.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${view.senders.map(
                        (number, index) =>
                          html`<tr>
                            <th scope="row">
                              ${number}
                              ${index === 0 ? html` <span class="tag">${t('settings.senders.default')}</span>` : ''}
                            </th>
                            <td>
                              ${rowAction(web, {
                                action: '/settings/senders/remove',
                                label: t('settings.senders.remove'),
                                ariaLabel: t('settings.senders.removeLabel', { number }),
                                confirm: t('settings.senders.confirmRemove', { number }),
                                danger: true,
                                fields: html`<input type="hidden" name="number" value="${number}" />`,
                              })}
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }
          <form method="post" action="/settings/senders" class="row settings-add">
            ${csrfField(web)}
            ${field({ name: 'number', label: t('settings.senders.new'), type: 'tel', value: view.number, required: true, hint: t('settings.senders.newHint'), error: view.numberError, autocomplete: 'off' })}
            <button type="submit" class="button">${t('settings.senders.add')}</button>
          </form>
        </section>`,
    });
  };

  /** The signed-in admin's account and senders; a session always names an existing account. */
  const load = async (accountId: number) => {
    const account = await ctx.accounts.findAccount(accountId);
    if (!account) throw new Error(`account ${accountId} of a session does not exist`);
    return { account, senders: await ctx.accounts.listSenders(accountId) };
  };

  const NOTICES: Readonly<Record<string, MessageKey>> = {
    saved: 'common.saved',
    senderAdded: 'settings.senders.added',
    senderRemoved: 'settings.senders.removed',
  };

  app.get('/settings', { config: { access: 'admin' } }, async (request, reply) => {
    const web = webState(request);
    const loaded = await load(signedIn(request).user.accountId);
    return sendHtml(reply, page(web, { ...loaded, notice: redirectNotice(web, request.query, NOTICES) }));
  });

  app.post('/settings', { config: { access: 'admin' } }, async (request, reply) => {
    const web = webState(request);
    const accountId = signedIn(request).user.accountId;
    const params = formParams(request);
    const form: AccountForm = {
      name: params.get('name') ?? '',
      defaultLanguage: params.get('defaultLanguage') ?? '',
      defaultCountry: params.get('defaultCountry') ?? '',
    };
    try {
      await ctx.accounts.updateAccount(accountId, form);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return sendHtml(reply, page(web, { ...(await load(accountId)), form, formError: error }), 400);
    }
    return redirect(reply, '/settings?notice=saved');
  });

  app.post('/settings/senders', { config: { access: 'admin' } }, async (request, reply) => {
    const web = webState(request);
    const loaded = await load(signedIn(request).user.accountId);
    const number = formParams(request).get('number') ?? '';
    try {
      await ctx.accounts.addSenderNumber(loaded.account, number);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return sendHtml(reply, page(web, { ...loaded, number, numberError: web.i18n.error(error) }), 400);
    }
    return redirect(reply, '/settings?notice=senderAdded');
  });

  app.post('/settings/senders/remove', { config: { access: 'admin' } }, async (request, reply) => {
    const web = webState(request);
    const number = formParams(request).get('number') ?? '';
    // Only this account's numbers: another account's answers 404, like one that does not exist.
    if (!(await ctx.accounts.removeSender(signedIn(request).user.accountId, number)))
      return notFoundPage(reply, web, layout);
    return redirect(reply, '/settings?notice=senderRemoved');
  });
}
