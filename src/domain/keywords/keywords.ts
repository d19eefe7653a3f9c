import type { Language } from '../contacts/address-book.js';
import { parseUtc } from '../common/dates.js';
import {
  invalidFlag,
  invalidKeywordPeriod,
  invalidKeywordVariant,
  invalidReplyLimit,
  keywordVariantsRequired,
  messageTooLong,
} from '../errors.js';
import { optOutKeyword } from '../messages/opt-out.js';
import { MAX_PARTS, segmentMessage } from '../sms/segments.js';
import { foldKeywordText, type MatchableKeyword } from './keyword-text.js';

/** An account's keyword (issue #15): what a listener texts, and what the platform does about it. */
export interface Keyword extends MatchableKeyword {
  readonly accountId: number;
  /** The label shown in lists: given, or the first variant. */
  readonly name: string;
  readonly frReply: string | null;
  readonly enReply: string | null;
  readonly group: { readonly id: number; readonly name: string } | null;
  /** Queue a `keyword` webhook event for each matching message. */
  readonly webhook: boolean;
  /** Auto-replies per number per 24 hours (0: never). */
  readonly replyLimit: number;
  readonly contest: boolean;
  readonly matchCount: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A keyword's counts, as get_keyword shows them. */
export interface KeywordCounts {
  readonly matches: number;
  readonly entries: number;
  readonly drawn: number;
}

/** A contest entry: the first matching message of one number. */
export interface KeywordEntry {
  readonly id: number;
  readonly number: string;
  readonly language: Language;
  readonly messageId: number;
  readonly createdAt: number;
  readonly drawnAt: number | null;
}

/** What a keyword is saved with (the group resolved to its id). */
export interface KeywordFields {
  readonly name: string;
  readonly frVariants: readonly string[];
  readonly enVariants: readonly string[];
  readonly senderNumber: string | null;
  readonly frReply: string | null;
  readonly enReply: string | null;
  readonly groupId: number | null;
  readonly webhook: boolean;
  readonly startsAt: number | null;
  readonly endsAt: number | null;
  readonly replyLimit: number;
  readonly contest: boolean;
}

/** post_keyword's parameters, as the client sent them. */
export interface KeywordParams {
  readonly id?: string;
  readonly name?: string;
  readonly fr_keywords?: string;
  readonly en_keywords?: string;
  readonly from?: string;
  readonly fr_reply?: string;
  readonly en_reply?: string;
  readonly group?: string;
  readonly webhook?: string;
  readonly starts_at?: string;
  readonly ends_at?: string;
  readonly reply_limit?: string;
  readonly contest?: string;
}

/** The word that clears an optional setting on update (`from`, `group`, `starts_at`, `ends_at`, replies). */
export const CLEAR = 'none';
export const DEFAULT_REPLY_LIMIT = 1;
const MAX_REPLY_LIMIT = 1000;
const MAX_VARIANT_LENGTH = 40;
const MAX_VARIANTS = 20;

/** A comma-separated list of variants, each checked; undefined when the parameter was not sent. */
export function parseVariants(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const variants = raw
    .split(',')
    .map((v) => v.trim().replace(/\s+/g, ' '))
    .filter((v) => v !== '');
  if (variants.length > MAX_VARIANTS) throw invalidKeywordVariant(variants[MAX_VARIANTS] ?? '');
  for (const variant of variants) {
    const folded = foldKeywordText(variant);
    // An opt-out word keeps its meaning whatever the account defines (CASL): never a keyword.
    if (folded === '' || variant.length > MAX_VARIANT_LENGTH || optOutKeyword(folded) !== undefined)
      throw invalidKeywordVariant(variant);
  }
  return variants;
}

/** The variants a keyword keeps: at least one, in either language. */
export function requireVariants(fr: readonly string[], en: readonly string[]): void {
  if (fr.length === 0 && en.length === 0) throw keywordVariantsRequired();
}

export function parseFlag(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw invalidFlag(name);
}

export function parseReplyLimit(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (!/^\d{1,4}$/.test(value) || Number(value) > MAX_REPLY_LIMIT) throw invalidReplyLimit();
  return Number(value);
}

/** A date of the period (UTC), `none` to clear it; undefined when not sent. */
export function parsePeriodDate(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim().toLowerCase() === CLEAR) return null;
  const at = parseUtc(raw.trim());
  if (at === null) throw invalidKeywordPeriod();
  return at;
}

export function checkPeriod(startsAt: number | null, endsAt: number | null): void {
  if (startsAt !== null && endsAt !== null && endsAt <= startsAt) throw invalidKeywordPeriod();
}

/** An auto-reply text, `none` to clear it; it must fit the SMS limit (10 parts). */
export function parseReply(raw: string | undefined): string | null | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '' || text.toLowerCase() === CLEAR) return null;
  if (segmentMessage(text).parts.length > MAX_PARTS) throw messageTooLong();
  return text;
}

/** Every folded variant of a keyword's fields, to refuse a word two keywords of one number share. */
export function foldedVariants(fields: Pick<KeywordFields, 'frVariants' | 'enVariants'>): string[] {
  return [...new Set([...fields.frVariants, ...fields.enVariants].map(foldKeywordText))];
}
