import {
  UniqueViolation,
  type Contact,
  type ContactFields,
  type ContactKey,
  type Language,
} from './address-book.js';
import type { AddressBookStore } from '../ports/address-book-store.js';
import type { StoreTransaction } from '../ports/transaction.js';
import { normaliseEmail } from '../common/email.js';
import {
  contactEmailExists,
  contactKeyRequired,
  contactNotFound,
  contactNumberExists,
  invalidContactTimezone,
  invalidEmailAddress,
  invalidLanguage,
  invalidPhoneNumber,
  invalidUserId,
  type DomainError,
} from '../errors.js';
import { normalisePhone } from '../common/phone.js';
import { resolveTimeZone } from '../common/timezone.js';

/** The account a request acts for: every lookup is scoped by its id. */
export interface AccountScope {
  readonly id: number;
  readonly defaultLanguage: string;
  readonly defaultCountry: string;
}

export interface ContactParams {
  readonly id?: string;
  readonly number?: string;
  readonly email?: string;
  readonly name?: string;
  readonly description?: string;
  readonly language?: string;
  readonly user_id?: string;
  /** Extension: the contact's IANA zone for quiet hours (empty: none). */
  readonly timezone?: string;
}

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

export function parseLanguage(raw: string): Language {
  const lower = raw.trim().toLowerCase();
  if (lower !== 'fr' && lower !== 'en') throw invalidLanguage();
  return lower;
}

function defaultLanguage(scope: AccountScope): Language {
  return scope.defaultLanguage === 'en' ? 'en' : 'fr';
}

function parseNumber(raw: string, scope: AccountScope): string {
  const number = normalisePhone(raw, scope.defaultCountry);
  if (!number) throw invalidPhoneNumber('number');
  return number;
}

function parseEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (!email) throw invalidEmailAddress('email');
  return email;
}

/** An IANA zone, validated as launch_timezone's, in Intl's canonical spelling. */
export function parseContactTimeZone(raw: string): string {
  const zone = resolveTimeZone(raw);
  if (zone === null) throw invalidContactTimezone(raw.trim());
  return zone;
}

function parseUserId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw.trim())) throw invalidUserId();
  return Number(raw.trim());
}

/** Parses an id parameter; anything that is not a positive whole number matches no row. */
export function parseId(raw: string): number | undefined {
  const trimmed = raw.trim();
  return /^\d{1,15}$/.test(trimmed) && Number(trimmed) > 0 ? Number(trimmed) : undefined;
}

/**
 * The key a lookup parameter names. A number that does not normalise is looked up as typed, so an
 * odd stored value is still found; it simply matches nothing otherwise.
 */
export function contactKeyFromNumber(raw: string, scope: AccountScope): ContactKey {
  return { number: normalisePhone(raw, scope.defaultCountry) ?? raw.trim() };
}

/** get_contact / delete_contact: the first present of id, number, email wins. */
export function contactKeyFromParams(params: ContactParams, scope: AccountScope): ContactKey | undefined {
  if (present(params.id)) return { id: parseId(params.id) ?? 0 };
  if (present(params.number)) return contactKeyFromNumber(params.number, scope);
  if (present(params.email)) return { email: params.email.trim().toLowerCase() };
  return undefined;
}

/**
 * A `contact` parameter of the group endpoints: an email, a phone number, or an id. A value that
 * normalises to a number is looked up as one first; all digits then falls back to the id.
 */
export async function findContactByRef(
  store: AddressBookStore,
  scope: AccountScope,
  raw: string,
): Promise<Contact | undefined> {
  const value = raw.trim();
  if (value.includes('@')) return store.findContact(scope.id, { email: value.toLowerCase() });
  const number = normalisePhone(value, scope.defaultCountry);
  const byNumber = number ? await store.findContact(scope.id, { number }) : undefined;
  if (byNumber) return byNumber;
  const id = parseId(value);
  return id === undefined ? undefined : store.findContact(scope.id, { id });
}

function mapUnique(error: unknown): never {
  if (error instanceof UniqueViolation) {
    throw error.field === 'email' ? contactEmailExists() : contactNumberExists();
  }
  throw error;
}

/** post_contact without `id`: number or email required; language defaults to the account's. */
export async function addContact(
  store: AddressBookStore,
  scope: AccountScope,
  params: ContactParams,
  now: number,
  /** Written in the contact's transaction (its consent entries), given the contact's number and email. */
  alsoWrite?: (added: ContactAddresses, tx: StoreTransaction) => Promise<void>,
): Promise<Contact> {
  if (!present(params.number) && !present(params.email)) throw contactKeyRequired();
  const fields: ContactFields = {
    language: present(params.language) ? parseLanguage(params.language) : defaultLanguage(scope),
    number: present(params.number) ? parseNumber(params.number, scope) : null,
    email: present(params.email) ? parseEmail(params.email) : null,
    name: params.name?.trim() ?? '',
    description: params.description?.trim() ?? '',
    userId: present(params.user_id) ? parseUserId(params.user_id) : 0,
    timeZone: present(params.timezone) ? parseContactTimeZone(params.timezone) : null,
  };
  if (fields.number && (await store.findContact(scope.id, { number: fields.number }))) {
    throw contactNumberExists();
  }
  if (fields.email && (await store.findContact(scope.id, { email: fields.email }))) {
    throw contactEmailExists();
  }
  const write = alsoWrite && ((tx: StoreTransaction) => alsoWrite(fields, tx));
  return store.insertContact(scope.id, fields, now, write).catch(mapUnique);
}

/** What a new contact is reached at: what its consent entries are about. */
export interface ContactAddresses {
  readonly number: string | null;
  readonly email: string | null;
}

/**
 * post_contact with `id`: only the parameters sent change; one sent empty clears its field. A number
 * or an email the contact did not have before is passed to `alsoWrite` (its consent entry), written
 * in the update's transaction; an address kept as it was, or cleared, is null there.
 */
export async function modifyContact(
  store: AddressBookStore,
  scope: AccountScope,
  params: ContactParams & { id: string },
  alsoWrite?: (added: ContactAddresses, tx: StoreTransaction) => Promise<void>,
): Promise<Contact> {
  const id = parseId(params.id);
  const current = id === undefined ? undefined : await store.findContact(scope.id, { id });
  if (!current) throw contactNotFound();
  const pick = <T>(raw: string | undefined, parse: (value: string) => T, cleared: T, keep: T): T =>
    raw === undefined ? keep : raw.trim() === '' ? cleared : parse(raw);
  const fields: ContactFields = {
    language: pick(params.language, parseLanguage, defaultLanguage(scope), current.language),
    number: pick<string | null>(params.number, (v) => parseNumber(v, scope), null, current.number),
    email: pick<string | null>(params.email, parseEmail, null, current.email),
    name: pick(params.name, (v) => v.trim(), '', current.name),
    description: pick(params.description, (v) => v.trim(), '', current.description),
    userId: pick(params.user_id, parseUserId, 0, current.userId),
    timeZone: pick<string | null>(params.timezone, parseContactTimeZone, null, current.timeZone),
  };
  if (fields.number === null && fields.email === null) throw contactKeyRequired();
  if (fields.number && fields.number !== current.number) {
    if (await store.findContact(scope.id, { number: fields.number })) throw contactNumberExists();
  }
  if (fields.email && fields.email !== current.email) {
    if (await store.findContact(scope.id, { email: fields.email })) throw contactEmailExists();
  }
  const added: ContactAddresses = {
    number: fields.number !== current.number ? fields.number : null,
    email: fields.email !== current.email ? fields.email : null,
  };
  const write =
    alsoWrite && (added.number !== null || added.email !== null)
      ? (tx: StoreTransaction) => alsoWrite(added, tx)
      : undefined;
  return store.updateContact(scope.id, current.id, fields, write).catch(mapUnique);
}

export async function requireContact(
  store: AddressBookStore,
  scope: AccountScope,
  params: ContactParams,
  missing: () => DomainError,
): Promise<Contact> {
  const key = contactKeyFromParams(params, scope);
  if (!key) throw missing();
  const contact = await store.findContact(scope.id, key);
  if (!contact) throw contactNotFound();
  return contact;
}
