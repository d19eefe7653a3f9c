import type { Selectable } from 'kysely';
import type { Language } from '../../domain/contacts/address-book.js';
import type { Keyword, KeywordEntry, KeywordFields } from '../../domain/keywords/keywords.js';
import type { KeywordEntriesTable, KeywordsTable } from '../schema.js';

/** A keywords row with its group's name (a left join). */
export type KeywordRow = Selectable<KeywordsTable> & { group_name: string | null };

/** Variants are stored as typed, one per line (a comma separates them in the API). */
const joinVariants = (variants: readonly string[]): string => variants.join('\n');
const splitVariants = (stored: string): string[] => (stored === '' ? [] : stored.split('\n'));

export function toKeyword(row: KeywordRow): Keyword {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    frVariants: splitVariants(row.fr_variants),
    enVariants: splitVariants(row.en_variants),
    senderNumber: row.sender_number,
    frReply: row.fr_reply,
    enReply: row.en_reply,
    group:
      row.group_id === null || row.group_name === null ? null : { id: row.group_id, name: row.group_name },
    webhook: row.webhook === 1,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    replyLimit: row.reply_limit,
    contest: row.contest === 1,
    matchCount: row.match_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns a save writes. */
export function keywordColumns(fields: KeywordFields) {
  return {
    name: fields.name,
    fr_variants: joinVariants(fields.frVariants),
    en_variants: joinVariants(fields.enVariants),
    sender_number: fields.senderNumber,
    fr_reply: fields.frReply,
    en_reply: fields.enReply,
    group_id: fields.groupId,
    webhook: fields.webhook ? 1 : 0,
    starts_at: fields.startsAt,
    ends_at: fields.endsAt,
    reply_limit: fields.replyLimit,
    contest: fields.contest ? 1 : 0,
  };
}

export function toEntry(row: Selectable<KeywordEntriesTable>): KeywordEntry {
  return {
    id: row.id,
    number: row.number,
    language: asLanguage(row.language),
    messageId: row.message_id,
    createdAt: row.created_at,
    drawnAt: row.drawn_at,
  };
}

export function asLanguage(value: string | null | undefined): Language {
  return value === 'en' ? 'en' : 'fr';
}
