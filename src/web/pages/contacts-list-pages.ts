// The contacts list: search, filters, keyset pages, actions on several contacts at once.
import type { FastifyInstance } from 'fastify';
import type { Contact, GroupSummary } from '../../domain/contacts/address-book.js';
import type { ContactPage } from '../../domain/contacts/address-book-service.js';
import { csrfField, field, notice, selectField } from '../components.js';
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

/** The contacts list: search, filters, keyset pages, and actions on several contacts at once. */
export function registerContactListPages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
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
}
