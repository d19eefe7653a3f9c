import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKey } from '../../domain/accounts/accounts.js';
import { MAX_KEY_NAME_LENGTH } from '../../domain/accounts/api-keys.js';
import { allowListEntries, isValidAllowEntry } from '../../domain/accounts/ip-allow-list.js';
import { DomainError } from '../../domain/errors.js';
import { csrfField, field, postButton } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import { showOnce, type DevelopersView, type KeyFormState } from './developers-once.js';

/** The key's name as the tables and titles show it. */
function keyLabel(web: WebState, key: ApiKey): string {
  return key.name || web.i18n.t('keys.unnamed');
}

/** The allow-list as the form shows it: one entry a line. */
function allowListText(entries: readonly string[]): string {
  return entries.join('\n');
}

function allowListField(web: WebState, value: string, error: string | undefined): SafeHtml {
  const { t } = web.i18n;
  const described = `f-allow-hint${error ? ' f-allow-error' : ''}`;
  return html`<div class="field${error ? ' has-error' : ''}">
    <label for="f-allow">${t('keys.allowList')}</label>
    <textarea
      id="f-allow"
      name="allow"
      rows="4"
      spellcheck="false"
      autocapitalize="off"
      aria-describedby="${described}"
      ${error ? html`aria-invalid="true"` : ''}
    >
${value}</textarea>
    <p class="hint" id="f-allow-hint">${t('keys.allowListHint')}</p>
    ${error ? html`<p class="error" id="f-allow-error">${error}</p>` : ''}
  </div>`;
}

function keyFields(web: WebState, form: KeyFormState): SafeHtml {
  const { t } = web.i18n;
  return html`${field({
    name: 'name',
    label: t('keys.name'),
    value: form.name,
    required: true,
    hint: t('keys.nameHint'),
    error: form.nameError,
    attrs: html`maxlength="${MAX_KEY_NAME_LENGTH}" autocomplete="off"`,
  })}
  ${allowListField(web, form.allowList, form.allowListError)}`;
}

/** The keys' table and the form that creates one. */
export function keysSection(web: WebState, keys: readonly ApiKey[], form?: KeyFormState): SafeHtml {
  const { t } = web.i18n;
  const rows = keys.map((key) => {
    const label = keyLabel(web, key);
    return html`<tr>
      <th scope="row">${label}</th>
      <td><code>${key.masked}</code></td>
      <td>
        ${
          key.allowedIps.length === 0
            ? html`<span class="muted">${t('keys.noIp')}</span>`
            : html`<ul class="plain">
                ${key.allowedIps.map((ip) => html`<li><code>${ip}</code></li>`)}
              </ul>`
        }
      </td>
      <td>${web.i18n.dateTime(key.createdAt)}</td>
      <td>
        ${
          key.revokedAt === null
            ? t('keys.active')
            : html`<span class="tag blocked"
                >${t('keys.revokedOn', { date: web.i18n.dateTime(key.revokedAt) })}</span
              >`
        }
      </td>
      <td class="actions">
        ${
          key.revokedAt === null
            ? html`<a
                  class="button"
                  href="/developers/keys/${key.id}"
                  aria-label="${t('keys.editLabel', { name: label })}"
                  >${t('keys.edit')}</a
                >
                ${postButton(web, `/developers/keys/${key.id}/revoke`, t('keys.revoke'), {
                  confirm: t('keys.revokeConfirm', { name: label }),
                  className: 'button danger',
                })}`
            : ''
        }
      </td>
    </tr>`;
  });
  return html`<section aria-labelledby="keys-title">
    <h2 id="keys-title">${t('keys.title')}</h2>
    ${
      keys.length === 0
        ? html`<p class="muted">${t('keys.none')}</p>`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">${t('keys.name')}</th>
                  <th scope="col">${t('keys.key')}</th>
                  <th scope="col">${t('keys.allowed')}</th>
                  <th scope="col">${t('keys.created')}</th>
                  <th scope="col">${t('keys.state')}</th>
                  <th scope="col">${t('keys.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
    }
    <form method="post" action="/developers/keys" class="panel stack" aria-labelledby="key-create-title">
      <h3 id="key-create-title">${t('keys.createTitle')}</h3>
      ${csrfField(web)} ${keyFields(web, form ?? { name: '', allowList: '' })}
      <button type="submit" class="button primary">${t('keys.createSubmit')}</button>
    </form>
  </section>`;
}

/** The new key, shown this once, with copy buttons and a ready curl line. */
export function keyCreatedPanel(web: WebState, key: ApiKey, secret: string, publicUrl: string): SafeHtml {
  const { t } = web.i18n;
  const curl = `curl -X POST -H "VUDUMOBILE-API-KEY: ${secret}" -d "group=Tous" ${publicUrl}/api/get_contacts`;
  return html`<section class="panel once" aria-labelledby="new-key-title">
    <h2 id="new-key-title">${t('keys.newTitle')} — ${keyLabel(web, key)}</h2>
    <p class="notice notice-info" role="status">${t('keys.newWarning')}</p>
    <p><code id="new-key" class="secret">${secret}</code></p>
    <p>
      <button type="button" class="button primary" data-copy="new-key" data-copied="${t('keys.copied')}">
        ${t('keys.copy')}
      </button>
    </p>
    <p>${t('keys.tryIt')}</p>
    <pre id="new-key-curl">${curl}</pre>
    <p>
      <button type="button" class="button" data-copy="new-key-curl" data-copied="${t('keys.copied')}">
        ${t('keys.copyCurl')}
      </button>
    </p>
  </section>`;
}

function readKeyForm(request: FastifyRequest): { name: string; allowList: string } {
  const form = formParams(request);
  return { name: form.get('name') ?? '', allowList: form.get('allow') ?? '' };
}

/** A refused key form: which field is wrong, in the reader's language (other errors go up). */
function keyFormError(
  web: WebState,
  error: unknown,
  input: { name: string; allowList: string },
): KeyFormState {
  if (!(error instanceof DomainError)) throw error;
  if (error.id === 'invalid_allow_entry') {
    const bad = allowListEntries(input.allowList).filter((entry) => !isValidAllowEntry(entry));
    return { ...input, allowListError: web.i18n.t('keys.badEntries', { entries: bad.join(', ') }) };
  }
  if (error.id === 'invalid_api_key_name') return { ...input, nameError: web.i18n.error(error) };
  throw error;
}

/** Create, edit (name and allow-list) and revoke the account's keys. */
export function registerKeyPages(app: FastifyInstance, { ctx, layout }: WebDeps, view: DevelopersView): void {
  const admin = { config: { access: 'admin' as const } };

  const editPage = (web: WebState, key: ApiKey, form: KeyFormState) => {
    const { t } = web.i18n;
    const title = t('keys.editTitle', { name: keyLabel(web, key) });
    return layout.page(web, {
      title,
      nav: 'developers',
      body: html`<p><a href="/developers">← ${t('dev.title')}</a></p>
        <section class="narrow">
          <h1>${title}</h1>
          <p><code>${key.masked}</code> · ${t('keys.created')} ${web.i18n.dateTime(key.createdAt)}</p>
          <form method="post" action="/developers/keys/${key.id}" class="stack">
            ${csrfField(web)} ${keyFields(web, form)}
            <button type="submit" class="button primary">${t('common.save')}</button>
          </form>
        </section>`,
    });
  };

  app.post('/developers/keys', admin, async (request, reply) => {
    const web = webState(request);
    const { accountId } = signedIn(request).user;
    const input = readKeyForm(request);
    try {
      const { id, key } = await ctx.accounts.createAccountKey(accountId, input);
      showOnce(reply, web, { kind: 'key', id, secret: key });
      return redirect(reply, '/developers');
    } catch (error) {
      return view.render(request, reply, { status: 400, keyForm: keyFormError(web, error, input) });
    }
  });

  app.get('/developers/keys/:id', admin, async (request, reply) => {
    const web = webState(request);
    const { accountId } = signedIn(request).user;
    const id = wholeNumber((request.params as { id: string }).id);
    const key = id === undefined ? undefined : await ctx.accounts.findAccountKey(accountId, id);
    if (!key || key.revokedAt !== null) return view.notFound(request, reply);
    return sendHtml(reply, editPage(web, key, { name: key.name, allowList: allowListText(key.allowedIps) }));
  });

  app.post('/developers/keys/:id', admin, async (request, reply) => {
    const web = webState(request);
    const { accountId } = signedIn(request).user;
    const id = wholeNumber((request.params as { id: string }).id);
    const key = id === undefined ? undefined : await ctx.accounts.findAccountKey(accountId, id);
    if (id === undefined || !key || key.revokedAt !== null) return view.notFound(request, reply);
    const input = readKeyForm(request);
    try {
      await ctx.accounts.updateAccountKey(accountId, id, input);
    } catch (error) {
      return sendHtml(reply, editPage(web, key, keyFormError(web, error, input)), 400);
    }
    return redirect(reply, '/developers?notice=keySaved');
  });

  app.post('/developers/keys/:id/revoke', admin, async (request, reply) => {
    const { accountId } = signedIn(request).user;
    const id = wholeNumber((request.params as { id: string }).id);
    if (id === undefined || !(await ctx.accounts.revokeAccountKey(accountId, id)))
      return view.notFound(request, reply);
    return redirect(reply, '/developers?notice=keyRevoked');
  });
}
