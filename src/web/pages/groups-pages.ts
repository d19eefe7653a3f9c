import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Group, GroupSummary } from '../../domain/contacts/address-book.js';
import type { ContactPage } from '../../domain/contacts/address-book-service.js';
import { DomainError } from '../../domain/errors.js';
import { csrfField, field, notice, postButton } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import {
  accountScope,
  contactName,
  cursorOf,
  groupName,
  isNotFound,
  notFound,
  pageNotice,
  pager,
} from './address-book-views.js';

const GROUPS_NOTICES = {
  created: 'groups.created',
  renamed: 'groups.renamed',
  deleted: 'groups.deleted',
} as const;

const MEMBERS_NOTICES = { removed: 'groups.memberRemoved', renamed: 'groups.renamed' } as const;

/** /groups (counts, create, rename, delete) and /groups/:id (members by keyset pages, removal). */
export function registerGroupPages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const book = ctx.addressBook;

  const groupRow = (web: WebState, group: GroupSummary) => {
    const { t } = web.i18n;
    const name = groupName(t, group);
    return html`<tr>
      <th scope="row">
        <a href="/groups/${group.id}">${name}</a>
        ${group.systemKind !== null ? html`<span class="tag">${t('groups.system')}</span>` : ''}
      </th>
      <td class="number">${web.i18n.number(group.memberCount)}</td>
      <td>
        ${
          group.systemKind === null
            ? html`<div class="row actions">
                <form method="post" action="/groups/${group.id}/rename" class="inline rename">
                  ${csrfField(web)}
                  <label for="rename-${group.id}" class="visually-hidden"
                    >${t('groups.renameLabel', { group: name })}</label
                  >
                  <input
                    id="rename-${group.id}"
                    name="group_name"
                    value="${group.name}"
                    required
                    maxlength="100"
                  />
                  <button type="submit" class="button">${t('groups.rename')}</button>
                </form>
                ${postButton(web, `/groups/${group.id}/delete`, t('groups.delete'), {
                  confirm: t('groups.confirmDelete'),
                  className: 'button danger',
                })}
              </div>`
            : ''
        }
      </td>
    </tr>`;
  };

  const groupsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    options: { name?: string; error?: string } = {},
  ) => {
    const web = webState(request);
    const { t } = web.i18n;
    const scope = await accountScope(ctx, request);
    const groups = await book.listGroupSummaries(scope.id);
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('groups.title'),
        nav: 'groups',
        notice: options.error ? notice('error', options.error) : pageNotice(web, request, GROUPS_NOTICES),
        body: html`<h1>${t('groups.title')}</h1>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">${t('groups.name')}</th>
                  <th scope="col">${t('groups.members')}</th>
                  <th scope="col">${t('groups.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${groups.map((g) => groupRow(web, g))}
              </tbody>
            </table>
          </div>
          <section class="panel narrow" aria-labelledby="group-create">
            <h2 id="group-create">${t('groups.create')}</h2>
            <form method="post" action="/groups" class="stack">
              ${csrfField(web)}
              ${field({ name: 'group_name', label: t('groups.name'), value: options.name, required: true, error: options.error, attrs: html`maxlength="100"` })}
              <button type="submit" class="button primary">${t('groups.createSubmit')}</button>
            </form>
          </section>`,
      }),
      options.error ? 400 : 200,
    );
  };

  app.get('/groups', async (request, reply) => groupsPage(request, reply));

  app.post('/groups', async (request, reply) => {
    const web = webState(request);
    const name = formParams(request).get('group_name') ?? '';
    const scope = await accountScope(ctx, request);
    try {
      await book.saveGroup(scope.id, { group_name: name });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return groupsPage(request, reply, { name, error: web.i18n.error(error) });
    }
    return redirect(reply, '/groups?notice=created');
  });

  /** A group of the account named by the URL's id, or undefined (the caller answers 404). */
  const groupOf = async (request: FastifyRequest): Promise<Group | undefined> => {
    const id = wholeNumber((request.params as { id: string }).id);
    if (id === undefined) return undefined;
    const scope = await accountScope(ctx, request);
    try {
      return await book.groupById(scope.id, id);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  app.post('/groups/:id/rename', async (request, reply) => {
    const web = webState(request);
    const group = await groupOf(request);
    if (!group) return notFound(layout, web, reply);
    const name = formParams(request).get('group_name') ?? '';
    try {
      await book.saveGroup(signedIn(request).user.accountId, {
        group_id: String(group.id),
        group_name: name,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return groupsPage(request, reply, { error: web.i18n.error(error) });
    }
    const back = formParams(request).get('back') === 'members' ? `/groups/${group.id}` : '/groups';
    return redirect(reply, `${back}?notice=renamed`);
  });

  app.post('/groups/:id/delete', async (request, reply) => {
    const web = webState(request);
    const group = await groupOf(request);
    if (!group) return notFound(layout, web, reply);
    try {
      await book.deleteGroup(signedIn(request).user.accountId, String(group.id));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return groupsPage(request, reply, { error: web.i18n.error(error) });
    }
    return redirect(reply, '/groups?notice=deleted');
  });

  app.get('/groups/:id', async (request, reply) => {
    const web = webState(request);
    const { t } = web.i18n;
    const group = await groupOf(request);
    if (!group) return notFound(layout, web, reply);
    const scope = await accountScope(ctx, request);
    const query = request.query as Record<string, string | undefined>;
    const page: ContactPage = await book.listContacts(scope, { groupId: group.id, cursor: cursorOf(query) });
    const summary = (await book.listGroupSummaries(scope.id)).find((g) => g.id === group.id);
    const name = groupName(t, group);
    const removable = group.systemKind !== 'all';
    return sendHtml(
      reply,
      layout.page(web, {
        title: name,
        nav: 'groups',
        notice: pageNotice(web, request, MEMBERS_NOTICES),
        body: html`<p><a href="/groups">← ${t('groups.backToList')}</a></p>
          <h1>${t('groups.membersTitle', { group: name })}</h1>
          <p class="muted">
            ${
              summary?.memberCount === 1
                ? t('groups.membersCountOne')
                : t('groups.membersCount', { count: summary?.memberCount ?? 0 })
            }
            ·
            <a
              href="/contacts?${group.systemKind === 'blocked' ? 'blocked=yes' : group.systemKind === null ? `group=${group.id}` : ''}"
              >${t('groups.showContacts')}</a
            >
          </p>
          ${
            page.contacts.length === 0
              ? html`<p class="empty">${t('groups.noMembers')}</p>`
              : html`<div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t('contacts.name')}</th>
                        <th scope="col">${t('contacts.number')}</th>
                        <th scope="col">${t('contacts.email')}</th>
                        ${removable ? html`<th scope="col">${t('groups.actions')}</th>` : ''}
                      </tr>
                    </thead>
                    <tbody>
                      ${page.contacts.map(
                        (c) =>
                          html`<tr>
                            <th scope="row">
                              <a href="/contacts/${c.id}">${c.name || t('contacts.noName')}</a>
                            </th>
                            <td>${c.number ?? ''}</td>
                            <td>${c.email ?? ''}</td>
                            ${
                              removable
                                ? html`<td>
                                    ${postButton(
                                      web,
                                      `/groups/${group.id}/members/${c.id}/remove`,
                                      t('groups.removeMember', { name: contactName(t, c) }),
                                      { className: 'button' },
                                    )}
                                  </td>`
                                : ''
                            }
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }
          ${pager(web, `/groups/${group.id}`, new URLSearchParams(), page)}`,
      }),
    );
  });

  app.post('/groups/:id/members/:contactId/remove', async (request, reply) => {
    const web = webState(request);
    const group = await groupOf(request);
    const contactId = wholeNumber((request.params as { contactId: string }).contactId);
    if (!group || contactId === undefined) return notFound(layout, web, reply);
    try {
      await book.removeContactsFromGroup(await accountScope(ctx, request), group.id, [contactId]);
    } catch (error) {
      if (isNotFound(error)) return notFound(layout, web, reply);
      throw error;
    }
    return redirect(reply, `/groups/${group.id}?notice=removed`);
  });
}
