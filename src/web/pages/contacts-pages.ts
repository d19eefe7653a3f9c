import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Contact, Group, GroupSummary } from '../../domain/contacts/address-book.js';
import type { ContactPage } from '../../domain/contacts/address-book-service.js';
import type { ContactParams } from '../../domain/contacts/contacts.js';
import { DomainError } from '../../domain/errors.js';
import { csrfField, field, notice, postButton, selectField } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';
import {
  accountScope,
  contactName,
  cursorOf,
  groupName,
  isNotFound,
  languageName,
  notFound,
  pageNotice,
  pager,
} from './address-book-views.js';

const LIST_NOTICES = {
  bulkDone: 'contacts.bulkDone',
  deleted: 'contact.deleted',
} as const;

const CONTACT_NOTICES = {
  created: 'contact.created',
  saved: 'contact.saved',
  blocked: 'contact.blockedDone',
  unblocked: 'contact.unblockedDone',
  addedToGroup: 'contact.addedToGroup',
  removedFromGroup: 'contact.removedFromGroup',
} as const;

const MAX_SELECTED = 500;

type BlockedChoice = 'all' | 'yes' | 'no';

/** The list's filters as they appear in its URL (kept across pages and after bulk actions). */
interface ListFilters {
  readonly q: string;
  readonly group: string;
  readonly blocked: BlockedChoice;
}

function listFilters(query: Record<string, string | undefined>): ListFilters {
  const blocked = query.blocked === 'yes' || query.blocked === 'no' ? query.blocked : 'all';
  return { q: (query.q ?? '').slice(0, 200), group: query.group ?? '', blocked };
}

function filterParams(filters: ListFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.group) params.set('group', filters.group);
  if (filters.blocked !== 'all') params.set('blocked', filters.blocked);
  return params;
}

/** Only the contacts list itself is a place to come back to after a bulk action. */
function backToList(raw: string | null): string {
  return raw && /^\/contacts(\?[^#]*)?$/.test(raw) ? raw : '/contacts';
}

function withNotice(path: string, key: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${key}`;
}

/** The editable fields of a contact, as posted (kept on a re-rendered form after an error). */
function contactForm(form: URLSearchParams): ContactParams {
  return {
    number: form.get('number') ?? '',
    email: form.get('email') ?? '',
    name: form.get('name') ?? '',
    description: form.get('description') ?? '',
    language: form.get('language') ?? '',
  };
}

export function registerContactPages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const book = ctx.addressBook;

  const filterForm = (web: WebState, filters: ListFilters, groups: readonly GroupSummary[]) => {
    const { t } = web.i18n;
    return html`<form method="get" action="/contacts" role="search" class="filters row">
      ${field({ name: 'q', label: t('contacts.search'), type: 'search', value: filters.q, hint: t('contacts.searchHint') })}
      ${selectField({
        name: 'group',
        label: t('contacts.filterGroup'),
        selected: filters.group,
        choices: [
          { value: '', label: t('contacts.filterGroupAny') },
          ...groups
            .filter((g) => g.systemKind === null)
            .map((g) => ({ value: String(g.id), label: groupName(t, g) })),
        ],
      })}
      ${selectField({
        name: 'blocked',
        label: t('contacts.filterBlocked'),
        selected: filters.blocked,
        choices: [
          { value: 'all', label: t('contacts.filterBlockedAll') },
          { value: 'yes', label: t('contacts.filterBlockedYes') },
          { value: 'no', label: t('contacts.filterBlockedNo') },
        ],
      })}
      <div class="field actions">
        <button type="submit" class="button primary">${t('contacts.apply')}</button>
        <a href="/contacts">${t('contacts.reset')}</a>
      </div>
    </form>`;
  };

  const searchedBy = (web: WebState, page: ContactPage): SafeHtml => {
    const { t } = web.i18n;
    const search = page.search;
    if (!search) return html``;
    const text =
      search.kind === 'name'
        ? t('contacts.searchedBy.name', { words: search.words.join(' ') })
        : t(`contacts.searchedBy.${search.kind}`, { prefix: search.prefix });
    return html`<p class="muted" id="searched-by">${text}</p>`;
  };

  const contactTable = (web: WebState, contacts: readonly Contact[]) => {
    const { t } = web.i18n;
    return html`<div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                data-select-all="ids"
                aria-label="${t('contacts.selectAll')}"
                title="${t('contacts.selectAll')}"
              />
            </th>
            <th scope="col">${t('contacts.name')}</th>
            <th scope="col">${t('contacts.number')}</th>
            <th scope="col">${t('contacts.email')}</th>
            <th scope="col">${t('contacts.language')}</th>
            <th scope="col">${t('contacts.status')}</th>
          </tr>
        </thead>
        <tbody>
          ${contacts.map(
            (c) =>
              html`<tr>
                <td>
                  <input
                    type="checkbox"
                    name="ids"
                    value="${c.id}"
                    aria-label="${t('contacts.select', { name: contactName(t, c) })}"
                  />
                </td>
                <th scope="row"><a href="/contacts/${c.id}">${c.name || t('contacts.noName')}</a></th>
                <td>${c.number ?? ''}</td>
                <td>${c.email ?? ''}</td>
                <td>${languageName(t, c.language)}</td>
                <td>
                  ${
                    c.isBlocked
                      ? html`<span class="tag blocked">${t('contacts.blocked')}</span>`
                      : html`<span class="tag">${t('contacts.notBlocked')}</span>`
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  };

  const actionBar = (web: WebState, groups: readonly GroupSummary[]) => {
    const { t } = web.i18n;
    const own = groups.filter((g) => g.systemKind === null);
    return html`<fieldset class="action-bar">
      <legend>${t('contacts.selection')}</legend>
      <div class="row">
        ${
          own.length > 0
            ? html`${selectField({
                  name: 'target',
                  label: t('contacts.bulkGroup'),
                  choices: own.map((g) => ({ value: String(g.id), label: g.name })),
                })}
                <div class="field actions">
                  <button type="submit" name="action" value="add" class="button">
                    ${t('contacts.bulkAdd')}
                  </button>
                  <button type="submit" name="action" value="remove" class="button">
                    ${t('contacts.bulkRemove')}
                  </button>
                </div>`
            : ''
        }
        <div class="field actions">
          <button type="submit" name="action" value="block" class="button">${t('contacts.bulkBlock')}</button>
          <button type="submit" name="action" value="unblock" class="button">
            ${t('contacts.bulkUnblock')}
          </button>
        </div>
      </div>
    </fieldset>`;
  };

  app.get('/contacts', async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const query = request.query as Record<string, string | undefined>;
    const filters = listFilters(query);
    const scope = await accountScope(ctx, request);
    const groupId = filters.group === '' ? undefined : wholeNumber(filters.group);
    if (filters.group !== '' && groupId === undefined) return notFound(layout, web, reply);
    let page: ContactPage;
    try {
      page = await book.listContacts(scope, {
        q: filters.q,
        groupId,
        blocked: filters.blocked === 'all' ? undefined : filters.blocked === 'yes',
        cursor: cursorOf(query),
      });
    } catch (error) {
      if (isNotFound(error)) return notFound(layout, web, reply);
      throw error;
    }
    const groups = await book.listGroupSummaries(scope.id);
    const here = filterParams(filters);
    if (query.after) here.set('after', query.after);
    if (query.before) here.set('before', query.before);
    const self = `/contacts${here.size > 0 ? `?${here.toString()}` : ''}`;
    const filtered = filters.q !== '' || filters.group !== '' || filters.blocked !== 'all';
    const bulkError = query.error === 'none' ? notice('error', t('contacts.bulkNone')) : undefined;
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('contacts.title'),
        nav: 'contacts',
        notice: bulkError ?? pageNotice(web, request, LIST_NOTICES),
        body: html`<div class="page-head">
            <h1>${t('contacts.title')}</h1>
            <a class="button primary" href="/contacts/new">${t('contacts.new')}</a>
          </div>
          ${filterForm(web, filters, groups)} ${searchedBy(web, page)}
          ${
            page.contacts.length === 0
              ? html`<p class="empty">${filtered ? t('contacts.none') : t('contacts.empty')}</p>`
              : html`<form method="post" action="/contacts/bulk" id="contacts-bulk">
                  ${csrfField(web)}<input type="hidden" name="back" value="${self}" />
                  ${contactTable(web, page.contacts)} ${actionBar(web, groups)}
                </form>`
          }
          ${pager(web, '/contacts', filterParams(filters), page)}`,
      }),
    );
  });

  app.post('/contacts/bulk', async (request, reply) => {
    const web = webState(request);
    const form = formParams(request);
    const back = backToList(form.get('back'));
    const ids: number[] = [];
    const ticked = form.getAll('ids');
    // A page shows 50 rows; anything far beyond is not a form of ours.
    if (ticked.length > MAX_SELECTED) {
      const { t } = web.i18n;
      return sendHtml(reply, layout.message(web, t('error.title'), t('error.badRequest')), 400);
    }
    for (const raw of ticked) {
      const id = wholeNumber(raw);
      if (id === undefined) return notFound(layout, web, reply);
      ids.push(id);
    }
    if (ids.length === 0) return redirect(reply, `${back}${back.includes('?') ? '&' : '?'}error=none`);
    const scope = await accountScope(ctx, request);
    const action = form.get('action');
    try {
      if (action === 'block' || action === 'unblock') {
        await book.setContactsBlocked(scope, ids, action === 'block');
      } else if (action === 'add' || action === 'remove') {
        const groupId = wholeNumber(form.get('target'));
        if (groupId === undefined) return notFound(layout, web, reply);
        if (action === 'add') await book.addContactsToGroup(scope, groupId, ids);
        else await book.removeContactsFromGroup(scope, groupId, ids);
      } else {
        const { t } = web.i18n;
        return sendHtml(reply, layout.message(web, t('error.title'), t('error.badRequest')), 400);
      }
    } catch (error) {
      if (isNotFound(error)) return notFound(layout, web, reply);
      throw error;
    }
    return redirect(reply, withNotice(back, 'bulkDone'));
  });

  const editFields = (web: WebState, values: ContactParams) => {
    const { t } = web.i18n;
    return html`${field({ name: 'name', label: t('contacts.name'), value: values.name, autocomplete: 'off' })}
    ${field({ name: 'number', label: t('contacts.number'), type: 'tel', value: values.number, autocomplete: 'off', hint: t('contact.keyHint') })}
    ${field({ name: 'email', label: t('contacts.email'), type: 'email', value: values.email, autocomplete: 'off' })}
    ${selectField({
      name: 'language',
      label: t('contacts.language'),
      selected: values.language,
      choices: [
        { value: 'fr', label: t('contacts.lang.fr') },
        { value: 'en', label: t('contacts.lang.en') },
      ],
    })}
    ${field({ name: 'description', label: t('contacts.description'), value: values.description, autocomplete: 'off' })}`;
  };

  const newPage = (web: WebState, values: ContactParams, error?: string) => {
    const { t } = web.i18n;
    return layout.page(web, {
      title: t('contact.newTitle'),
      nav: 'contacts',
      notice: error ? notice('error', error) : undefined,
      body: html`<section class="narrow">
        <p><a href="/contacts">← ${t('contact.backToList')}</a></p>
        <h1>${t('contact.newTitle')}</h1>
        <form method="post" action="/contacts/new" class="stack">
          ${csrfField(web)} ${editFields(web, values)}
          <button type="submit" class="button primary">${t('contact.create')}</button>
        </form>
      </section>`,
    });
  };

  app.get('/contacts/new', async (request, reply) => {
    const web = webState(request);
    const scope = await accountScope(ctx, request);
    return sendHtml(reply, newPage(web, { language: scope.defaultLanguage }));
  });

  app.post('/contacts/new', async (request, reply) => {
    const web = webState(request);
    const values = contactForm(formParams(request));
    const scope = await accountScope(ctx, request);
    try {
      const contact = await book.saveContact(scope, values);
      return redirect(reply, `/contacts/${contact.id}?notice=created`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return sendHtml(reply, newPage(web, values, web.i18n.error(error)), 400);
    }
  });

  /** The contact page: its fields, its groups, the edit form and its actions. */
  const contactPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { values?: ContactParams; error?: string } = {},
  ): Promise<FastifyReply> => {
    const web = webState(request);
    const { t } = web.i18n;
    const id = wholeNumber((request.params as { id: string }).id);
    if (id === undefined) return notFound(layout, web, reply);
    const scope = await accountScope(ctx, request);
    let found: { contact: Contact; groups: Group[] };
    try {
      found = await book.getContact(scope, { id: String(id) });
    } catch (error) {
      if (isNotFound(error)) return notFound(layout, web, reply);
      throw error;
    }
    const { contact } = found;
    const memberOf = found.groups.filter((g) => g.systemKind === null);
    const others = (await book.listGroupSummaries(scope.id)).filter(
      (g) => g.systemKind === null && !memberOf.some((m) => m.id === g.id),
    );
    const values = options.values ?? {
      name: contact.name,
      number: contact.number ?? '',
      email: contact.email ?? '',
      description: contact.description,
      language: contact.language,
    };
    const base = `/contacts/${contact.id}`;
    const title = contactName(t, contact);
    const body = html`<p><a href="/contacts">← ${t('contact.backToList')}</a></p>
      <div class="page-head">
        <h1>${title}</h1>
        ${contact.isBlocked ? html`<span class="tag blocked">${t('contacts.blocked')}</span>` : ''}
      </div>
      ${contact.isBlocked ? notice('info', t('contact.blockedNotice')) : ''}
      <dl class="facts">
        <dt>${t('contacts.number')}</dt>
        <dd>${contact.number ?? '—'}</dd>
        <dt>${t('contacts.email')}</dt>
        <dd>${contact.email ?? '—'}</dd>
        <dt>${t('contacts.language')}</dt>
        <dd>${languageName(t, contact.language)}</dd>
        ${
          contact.description
            ? html`<dt>${t('contacts.description')}</dt>
                <dd>${contact.description}</dd>`
            : ''
        }
      </dl>
      <p class="muted">${t('contact.createdAt', { date: web.i18n.dateTime(contact.createdAt) })}</p>
      <div class="row actions">
        ${postButton(web, `${base}/block`, contact.isBlocked ? t('contact.unblock') : t('contact.block'), {
          fields: html`<input type="hidden" name="blocked" value="${contact.isBlocked ? '0' : '1'}" />`,
        })}
        ${postButton(web, `${base}/delete`, t('contact.delete'), {
          confirm: t('contact.confirmDelete'),
          className: 'button danger',
        })}
      </div>
      <section class="panel" aria-labelledby="contact-groups">
        <h2 id="contact-groups">${t('contact.groups')}</h2>
        ${
          memberOf.length === 0
            ? html`<p>${t('contact.noGroups')}</p>`
            : html`<ul class="group-list">
                ${memberOf.map(
                  (g) =>
                    html`<li>
                      <a href="/groups/${g.id}">${g.name}</a>
                      ${postButton(
                        web,
                        `${base}/groups/remove`,
                        t('contact.removeFromGroup', { group: g.name }),
                        {
                          className: 'button',
                          fields: html`<input type="hidden" name="group" value="${g.id}" />`,
                        },
                      )}
                    </li>`,
                )}
              </ul>`
        }
        ${
          others.length > 0
            ? html`<form method="post" action="${base}/groups/add" class="row">
                ${csrfField(web)}
                ${selectField({
                  name: 'group',
                  label: t('contacts.bulkGroup'),
                  choices: others.map((g) => ({ value: String(g.id), label: g.name })),
                })}
                <div class="field actions">
                  <button type="submit" class="button">${t('contact.addToGroup')}</button>
                </div>
              </form>`
            : ''
        }
      </section>
      <section class="panel" aria-labelledby="contact-edit">
        <h2 id="contact-edit">${t('contact.edit')}</h2>
        <form method="post" action="${base}" class="stack">
          ${csrfField(web)} ${editFields(web, values)}
          <button type="submit" class="button primary">${t('contact.save')}</button>
        </form>
      </section>`;
    return sendHtml(
      reply,
      layout.page(web, {
        title,
        nav: 'contacts',
        notice: options.error ? notice('error', options.error) : pageNotice(web, request, CONTACT_NOTICES),
        body,
      }),
      options.error ? 400 : 200,
    );
  };

  app.get('/contacts/:id', async (request, reply) => contactPage(request, reply));

  /** Runs a change on the contact named in the URL (within the account), then redirects with a notice. */
  const contactAction = (
    path: string,
    change: (
      request: FastifyRequest,
      id: number,
      form: URLSearchParams,
    ) => Promise<{ to: string } | { values: ContactParams; error: DomainError }>,
  ) =>
    app.post(path, async (request, reply) => {
      const web = webState(request);
      const id = wholeNumber((request.params as { id: string }).id);
      if (id === undefined) return notFound(layout, web, reply);
      try {
        const outcome = await change(request, id, formParams(request));
        if ('to' in outcome) return redirect(reply, outcome.to);
        return contactPage(request, reply, { values: outcome.values, error: web.i18n.error(outcome.error) });
      } catch (error) {
        if (isNotFound(error)) return notFound(layout, web, reply);
        throw error;
      }
    });

  contactAction('/contacts/:id', async (request, id, form) => {
    const values = contactForm(form);
    const scope = await accountScope(ctx, request);
    try {
      // An id of another account is contact_not_found before any field is read: a 404.
      await book.saveContact(scope, { ...values, id: String(id) });
      return { to: `/contacts/${id}?notice=saved` };
    } catch (error) {
      if (!(error instanceof DomainError) || isNotFound(error)) throw error;
      return { values, error };
    }
  });

  contactAction('/contacts/:id/block', async (request, id, form) => {
    const blocked = form.get('blocked') !== '0';
    await book.setContactsBlocked(await accountScope(ctx, request), [id], blocked);
    return { to: `/contacts/${id}?notice=${blocked ? 'blocked' : 'unblocked'}` };
  });

  contactAction('/contacts/:id/delete', async (request, id) => {
    const scope = await accountScope(ctx, request);
    await book.getContact(scope, { id: String(id) });
    await book.deleteContact(scope, { id: String(id) });
    return { to: '/contacts?notice=deleted' };
  });

  for (const change of ['add', 'remove'] as const) {
    contactAction(`/contacts/:id/groups/${change}`, async (request, id, form) => {
      const groupId = wholeNumber(form.get('group'));
      const scope = await accountScope(ctx, request);
      if (groupId === undefined) {
        await book.getContact(scope, { id: String(id) });
        return { to: `/contacts/${id}` };
      }
      if (change === 'add') await book.addContactsToGroup(scope, groupId, [id]);
      else await book.removeContactsFromGroup(scope, groupId, [id]);
      return { to: `/contacts/${id}?notice=${change === 'add' ? 'addedToGroup' : 'removedFromGroup'}` };
    });
  }
}
