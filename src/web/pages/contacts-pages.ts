// A contact: create, show, edit, block, delete, and its groups (the list is contacts-list-pages.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsentOrigin } from '../../domain/consent/consent.js';
import type { Contact, Group } from '../../domain/contacts/address-book.js';
import type { ContactParams } from '../../domain/contacts/contacts.js';
import { DomainError } from '../../domain/errors.js';
import { csrfField, field, notice, postButton, selectField } from '../components.js';
import { formParams, wholeNumber } from '../forms.js';
import { html } from '../html.js';
import { timeZoneChoices } from '../time-zones.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';
import {
  accountScope,
  contactName,
  isNotFound,
  languageName,
  notFound,
  pageNotice,
} from './address-book-views.js';

const CONTACT_NOTICES = {
  created: 'contact.created',
  saved: 'contact.saved',
  blocked: 'contact.blockedDone',
  unblocked: 'contact.unblockedDone',
  addedToGroup: 'contact.addedToGroup',
  removedFromGroup: 'contact.removedFromGroup',
} as const;

/** The editable fields of a contact, as posted (kept on a re-rendered form after an error). */
function contactForm(form: URLSearchParams): ContactParams {
  return {
    number: form.get('number') ?? '',
    email: form.get('email') ?? '',
    name: form.get('name') ?? '',
    description: form.get('description') ?? '',
    language: form.get('language') ?? '',
    timezone: form.get('timezone') ?? '',
  };
}

/** CASL: what the consent log says of a number or an email the contact form adds. */
const formOrigin = (request: FastifyRequest): ConsentOrigin => ({
  source: 'web',
  evidence: `contact form (user ${signedIn(request).user.email})`,
});

export function registerContactPages(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const book = ctx.addressBook;

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
    ${selectField({
      name: 'timezone',
      label: t('contacts.timeZone'),
      selected: values.timezone,
      choices: [{ value: '', label: t('contact.timeZoneAuto') }, ...timeZoneChoices(values.timezone ?? '')],
      hint: t('contact.timeZoneHint'),
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
      const contact = await book.saveContact(scope, values, formOrigin(request));
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
      timezone: contact.timeZone ?? '',
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
        <dt>${t('contacts.timeZone')}</dt>
        <dd>${contact.timeZone ?? t('contact.timeZoneAuto')}</dd>
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
      await book.saveContact(scope, { ...values, id: String(id) }, formOrigin(request));
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
