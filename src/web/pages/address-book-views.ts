import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { Contact, Group } from '../../domain/contacts/address-book.js';
import type { ContactPage } from '../../domain/contacts/address-book-service.js';
import type { AccountScope } from '../../domain/contacts/contacts.js';
import { DomainError } from '../../domain/errors.js';
import { notice } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import type { Layout } from '../layout.js';
import { sendHtml } from '../respond.js';
import { signedIn, type WebState } from '../web-state.js';
import type { Translator } from '../i18n/translator.js';

/** The signed-in user's account as the address book sees it: ids from URLs never choose it. */
export async function accountScope(ctx: AppContext, request: FastifyRequest): Promise<AccountScope> {
  const accountId = signedIn(request).user.accountId;
  const account = await ctx.accounts.findAccount(accountId);
  return {
    id: accountId,
    defaultLanguage: account?.defaultLanguage ?? 'fr',
    defaultCountry: account?.defaultCountry ?? 'CA',
  };
}

/** Ids of another account, or of nothing, all answer the same 404 page: no hint of what exists. */
export function notFound(layout: Layout, web: WebState, reply: FastifyReply): FastifyReply {
  const { t } = web.i18n;
  return sendHtml(reply, layout.message(web, t('error.title'), t('error.notFound')), 404);
}

const NOT_FOUND_ERRORS = new Set(['contact_not_found', 'named_contact_not_found', 'group_not_found']);

/** Whether a domain error means "no such contact or group in this account" (answered 404). */
export function isNotFound(error: unknown): boolean {
  return error instanceof DomainError && NOT_FOUND_ERRORS.has(error.id);
}

/** A group's name as the reader says it: the system groups are named in their language. */
export function groupName(t: Translator['t'], group: Group): string {
  if (group.systemKind === 'all') return t('groups.all');
  if (group.systemKind === 'blocked') return t('groups.blocked');
  return group.name;
}

/** What a contact is called on a page: its name, else its number or email. */
export function contactName(t: Translator['t'], contact: Contact): string {
  return contact.name || contact.number || contact.email || t('contacts.noName');
}

/** `?notice=key` after a redirect, shown only when it names one of the page's own messages. */
export function pageNotice(
  web: WebState,
  request: FastifyRequest,
  known: Readonly<Record<string, MessageKey>>,
): SafeHtml | undefined {
  const key = (request.query as Record<string, string | undefined>).notice;
  const message = key !== undefined && Object.hasOwn(known, key) ? known[key] : undefined;
  return message ? notice('success', web.i18n.t(message)) : undefined;
}

/** Previous / next links of a keyset page; `base` holds the list's other parameters. */
export function pager(web: WebState, path: string, base: URLSearchParams, page: ContactPage): SafeHtml {
  const { t } = web.i18n;
  const link = (cursor: 'after' | 'before', id: number) => {
    const params = new URLSearchParams(base);
    params.delete('after');
    params.delete('before');
    params.set(cursor, String(id));
    return `${path}?${params.toString()}`;
  };
  const previous = page.previous && 'before' in page.previous ? page.previous.before : undefined;
  const next = page.next && 'after' in page.next ? page.next.after : undefined;
  if (previous === undefined && next === undefined) return html``;
  return html`<nav class="pager" aria-label="${t('contacts.pages')}">
    ${
      previous !== undefined
        ? html`<a href="${link('before', previous)}" rel="prev">← ${t('common.previous')}</a>`
        : ''
    }
    ${next !== undefined ? html`<a href="${link('after', next)}" rel="next">${t('common.next')} →</a>` : ''}
  </nav>`;
}

/** The keyset position of a list from its query string (`after` or `before`, whole numbers only). */
export function cursorOf(query: Record<string, string | undefined>): { after: number } | { before: number } {
  const before = query.before;
  if (before !== undefined && /^\d{1,15}$/.test(before)) return { before: Number(before) };
  const after = query.after;
  return { after: after !== undefined && /^\d{1,15}$/.test(after) ? Number(after) : 0 };
}

export function languageName(t: Translator['t'], language: string): string {
  return language === 'en' ? t('contacts.lang.en') : t('contacts.lang.fr');
}
