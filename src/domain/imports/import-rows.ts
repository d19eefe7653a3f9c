import type { ColumnMap } from './csv-header.js';
import type { CsvRecord } from './csv-reader.js';
import { normaliseEmail } from '../common/email.js';
import { normalisePhone } from '../common/phone.js';
import { resolveTimeZone } from '../common/timezone.js';
import {
  contactKeyRequired,
  invalidContactTimezone,
  invalidEmailAddress,
  invalidPhoneNumber,
  parameterTooLong,
} from '../errors.js';

export type Language = 'fr' | 'en';

/** A group named in a row's `groups` cell: all digits is an id, anything else a name (case-insensitive). */
export type GroupRef = { readonly id: number } | { readonly name: string };

/**
 * One row, normalised. `undefined` means the file has no such column or the cell was empty: an
 * update leaves that field as it is (an import never clears a field).
 */
export interface ContactDraft {
  readonly line: number;
  readonly number: string | null;
  readonly email: string | null;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly language: Language | undefined;
  readonly groups: readonly GroupRef[];
  /** The contact's IANA zone (extension), canonical. */
  readonly timeZone: string | undefined;
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
  /** The row's fields as read, kept for the downloadable error report. */
  readonly values?: readonly string[];
}

/** How much of an unknown zone a rejection reason repeats. */
const MAX_ZONE_SHOWN = 64;

/**
 * Why a row is rejected (stored per row, shown by get_import): not errors of the request itself,
 * but the contact checks answer with post_contact's own texts, taken from the catalogue.
 */
export const ROW_REASONS = {
  numberOrEmail: contactKeyRequired().message,
  number: invalidPhoneNumber('number').message,
  email: invalidEmailAddress('email').message,
  nameTooLong: parameterTooLong('name').message,
  descriptionTooLong: parameterTooLong('description').message,
  groupTooLong: 'group name is too long (maximum 100 characters)',
  twoContacts: 'number and email belong to two different contacts',
  fieldCount: (expected: number, found: number): string =>
    `wrong number of fields (expected ${expected}, found ${found})`,
  /** post_contact's own text; a cell longer than any zone name is cut, the report keeps it whole. */
  timeZone: (given: string): string => invalidContactTimezone(given.slice(0, MAX_ZONE_SHOWN)).message,
} as const;

/** The same limits as post_contact's parameters. */
const MAX_NAME = 200;
const MAX_DESCRIPTION = 1000;
const MAX_GROUP_NAME = 100;

const LANGUAGES: Readonly<Record<string, Language>> = {
  fr: 'fr',
  fra: 'fr',
  fre: 'fr',
  francais: 'fr',
  french: 'fr',
  en: 'en',
  eng: 'en',
  anglais: 'en',
  english: 'en',
};

/** `fr`, `FR`, `Français`, `english`… → fr|en; anything else is no language (the account's default). */
export function parseLanguage(raw: string): Language | undefined {
  const key = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase();
  return LANGUAGES[key];
}

/** `VIP; Montréal, 12` → names VIP and Montréal, group id 12; duplicates (any case) once. */
export function parseGroupsCell(raw: string): GroupRef[] | RejectedRow['reason'] {
  const refs: GroupRef[] = [];
  const seen = new Set<string>();
  for (const part of raw.split(/[,;]/)) {
    const value = part.trim();
    if (value === '') continue;
    if (value.length > MAX_GROUP_NAME) return ROW_REASONS.groupTooLong;
    const key = /^\d+$/.test(value) ? `#${Number(value)}` : value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    refs.push(/^\d+$/.test(value) ? { id: Number(value) } : { name: value });
  }
  return refs;
}

const cell = (fields: readonly string[], index: number | undefined): string | undefined =>
  index === undefined ? undefined : fields[index];

/** The header facts every row is read with. */
export interface RowLayout {
  readonly columns: ColumnMap;
  readonly headerFields: number;
}

/**
 * Normalises many raw numbers at once (in the account's country). Numbers are the costly part of a
 * row (libphonenumber), so the importer may hand them to another thread; `normaliseInThread` is the
 * plain version.
 */
export type NumberNormaliser = (raws: readonly string[], country: string) => Promise<(string | null)[]>;

export const normaliseInThread: NumberNormaliser = async (raws, country) =>
  raws.map((raw) => (raw === '' ? null : normalisePhone(raw, country)));

/** The number cell to normalise ('' when none, or when the row is rejected for its field count). */
export function rawNumberOf(record: CsvRecord, layout: RowLayout): string {
  if (record.fields.length !== layout.headerFields) return '';
  return cell(record.fields, layout.columns.number) ?? '';
}

/**
 * Reads one data record, given its number already normalised (null when invalid): the field count
 * must match the header's; number and email are checked like post_contact's (an invalid one rejects
 * the row even when the other is valid), and at least one of them is required.
 */
export function readImportRow(
  record: CsvRecord,
  layout: RowLayout,
  normalisedNumber: string | null,
): ContactDraft | RejectedRow {
  const { line, fields } = record;
  const { columns, headerFields } = layout;
  if (fields.length !== headerFields) {
    return { line, reason: ROW_REASONS.fieldCount(headerFields, fields.length) };
  }
  const rawNumber = cell(fields, columns.number) ?? '';
  const rawEmail = cell(fields, columns.email) ?? '';
  if (rawNumber === '' && rawEmail === '') return { line, reason: ROW_REASONS.numberOrEmail };
  const number = rawNumber === '' ? null : normalisedNumber;
  if (number === null && rawNumber !== '') return { line, reason: ROW_REASONS.number };
  const email = rawEmail === '' ? null : normaliseEmail(rawEmail);
  if (email === null && rawEmail !== '') return { line, reason: ROW_REASONS.email };

  const name = cell(fields, columns.name);
  if (name !== undefined && name.length > MAX_NAME) return { line, reason: ROW_REASONS.nameTooLong };
  const description = cell(fields, columns.description);
  if (description !== undefined && description.length > MAX_DESCRIPTION) {
    return { line, reason: ROW_REASONS.descriptionTooLong };
  }
  const groups = parseGroupsCell(cell(fields, columns.groups) ?? '');
  if (typeof groups === 'string') return { line, reason: groups };
  const language = cell(fields, columns.language);
  const rawZone = cell(fields, columns.timezone)?.trim() ?? '';
  const timeZone = rawZone === '' ? undefined : resolveTimeZone(rawZone);
  if (timeZone === null) return { line, reason: ROW_REASONS.timeZone(rawZone) };
  return {
    line,
    number,
    email,
    name: name === '' ? undefined : name,
    description: description === '' ? undefined : description,
    language: language === undefined ? undefined : parseLanguage(language),
    groups,
    timeZone,
  };
}

export function isRejected(row: ContactDraft | RejectedRow): row is RejectedRow {
  return 'reason' in row;
}
