import { formatUtc } from '../../domain/common/dates.js';
import type { Keyword, KeywordCounts, KeywordEntry } from '../../domain/keywords/keywords.js';
import { CsvAnswer } from '../csv-answer.js';

/**
 * Keywords as the API shows them (extensions, issue #15). Written in the contract's style: ids and
 * counts are numbers as in the other extensions (webhooks, get_import), dates `YYYY-MM-DD HH:MM:SS`
 * UTC or null, flags 0|1 as the contacts' `is_blocked`.
 */
export interface KeywordJson {
  id: number;
  name: string;
  fr_keywords: string[];
  en_keywords: string[];
  from: string | null;
  fr_reply: string | null;
  en_reply: string | null;
  group: { id: number; name: string } | null;
  webhook: 0 | 1;
  starts_at: string | null;
  ends_at: string | null;
  reply_limit: number;
  contest: 0 | 1;
  matches: number;
  created_at: string;
}

const date = (ms: number | null): string | null => (ms === null ? null : formatUtc(ms));

export function presentKeyword(keyword: Keyword): KeywordJson {
  return {
    id: keyword.id,
    name: keyword.name,
    fr_keywords: [...keyword.frVariants],
    en_keywords: [...keyword.enVariants],
    from: keyword.senderNumber,
    fr_reply: keyword.frReply,
    en_reply: keyword.enReply,
    group: keyword.group && { id: keyword.group.id, name: keyword.group.name },
    webhook: keyword.webhook ? 1 : 0,
    starts_at: date(keyword.startsAt),
    ends_at: date(keyword.endsAt),
    reply_limit: keyword.replyLimit,
    contest: keyword.contest ? 1 : 0,
    matches: keyword.matchCount,
    created_at: formatUtc(keyword.createdAt),
  };
}

/** get_keyword: the keyword with its counts (matches, contest entries, entries drawn). */
export function presentKeywordDetail(keyword: Keyword, counts: KeywordCounts): object {
  return {
    ...presentKeyword(keyword),
    matches: counts.matches,
    entries: counts.entries,
    drawn: counts.drawn,
  };
}

export function presentEntry(entry: KeywordEntry): object {
  return {
    id: entry.id,
    number: entry.number,
    language: entry.language,
    msg_id: entry.messageId,
    entered_at: formatUtc(entry.createdAt),
    drawn_at: date(entry.drawnAt),
  };
}

/** The entries as a CSV file, one line per number, in the order they entered. */
export function entriesCsv(keyword: Keyword, entries: readonly KeywordEntry[]): CsvAnswer {
  return CsvAnswer.fromRows(`keyword-${keyword.id}-entries.csv`, [
    ['number', 'language', 'msg_id', 'entered_at', 'drawn_at'],
    ...entries.map((e) => [e.number, e.language, e.messageId, formatUtc(e.createdAt), date(e.drawnAt)]),
  ]);
}
