import { randomInt } from 'node:crypto';
import { groupKey } from '../contacts/groups.js';
import { parseId } from '../contacts/contacts.js';
import {
  groupNotFound,
  keywordGroupBlocked,
  keywordIdRequired,
  keywordNoEntriesLeft,
  keywordNotContest,
  keywordNotFound,
  keywordVariantTaken,
  unknownSender,
} from '../errors.js';
import type { KeywordStore } from '../ports/keyword-store.js';
import {
  checkPeriod,
  CLEAR,
  DEFAULT_REPLY_LIMIT,
  foldedVariants,
  parseFlag,
  parsePeriodDate,
  parseReply,
  parseReplyLimit,
  parseVariants,
  requireVariants,
  type Keyword,
  type KeywordCounts,
  type KeywordEntry,
  type KeywordFields,
  type KeywordParams,
} from './keywords.js';

export interface KeywordServiceDeps {
  readonly store: KeywordStore;
  readonly now: () => number;
}

/** A keyword with its counts (get_keyword). */
export interface KeywordDetail {
  readonly keyword: Keyword;
  readonly counts: KeywordCounts;
}

/**
 * Keywords, auto-replies and contests (issue #15): what an account defines (post_keyword,
 * get_keywords, get_keyword, delete_keyword, the CLI) and a contest's entries and draws. What an
 * inbound message does with them is KeywordInbound's (keyword-inbound.ts), in the reception
 * transaction.
 */
export class KeywordService {
  constructor(private readonly deps: KeywordServiceDeps) {}

  /** post_keyword: creates, or with `id` changes only the parameters sent. */
  async save(accountId: number, params: KeywordParams): Promise<Keyword> {
    const { store } = this.deps;
    const existing = params.id === undefined ? undefined : await this.require(accountId, params.id);
    const fields = await this.fields(accountId, params, existing);
    await this.refuseTakenVariants(accountId, fields, existing?.id);
    return existing
      ? store.updateKeyword(accountId, existing.id, fields, this.deps.now())
      : store.insertKeyword(accountId, fields, this.deps.now());
  }

  list(accountId: number): Promise<Keyword[]> {
    return this.deps.store.listKeywords(accountId);
  }

  async get(accountId: number, rawId: string | undefined): Promise<KeywordDetail> {
    const keyword = await this.require(accountId, rawId);
    return { keyword, counts: await this.deps.store.counts(keyword.id) };
  }

  async delete(accountId: number, rawId: string | undefined): Promise<void> {
    const keyword = await this.require(accountId, rawId);
    await this.deps.store.deleteKeyword(accountId, keyword.id);
  }

  /** A contest's entries, oldest first. */
  async entries(
    accountId: number,
    rawId: string | undefined,
  ): Promise<{ keyword: Keyword; entries: KeywordEntry[] }> {
    const keyword = await this.require(accountId, rawId);
    if (!keyword.contest) throw keywordNotContest();
    return { keyword, entries: await this.deps.store.listEntries(keyword.id) };
  }

  /**
   * Draws a winner at random (node:crypto's randomInt: uniform, unpredictable) among the entries
   * never drawn, and marks it drawn; a second draw picks another number (a runner-up). Two draws at
   * once cannot pick the same entry: the mark is conditional, and a lost race draws again.
   */
  async draw(accountId: number, rawId: string | undefined): Promise<KeywordEntry> {
    const { store } = this.deps;
    const keyword = await this.require(accountId, rawId);
    if (!keyword.contest) throw keywordNotContest();
    for (;;) {
      const left = await store.countUndrawn(keyword.id);
      if (left === 0) throw keywordNoEntriesLeft();
      const entry = await store.undrawnAt(keyword.id, randomInt(left));
      const now = this.deps.now();
      if (entry && (await store.markDrawn(entry.id, now))) return { ...entry, drawnAt: now };
    }
  }

  private async require(accountId: number, rawId: string | undefined): Promise<Keyword> {
    if (rawId === undefined || rawId.trim() === '') throw keywordIdRequired();
    const id = parseId(rawId);
    const keyword = id === undefined ? undefined : await this.deps.store.findKeyword(accountId, id);
    if (!keyword) throw keywordNotFound();
    return keyword;
  }

  /** The keyword's fields: the parameters sent over what it had (defaults for a new one). */
  private async fields(
    accountId: number,
    params: KeywordParams,
    old: Keyword | undefined,
  ): Promise<KeywordFields> {
    const frVariants = parseVariants(params.fr_keywords) ?? old?.frVariants ?? [];
    const enVariants = parseVariants(params.en_keywords) ?? old?.enVariants ?? [];
    requireVariants(frVariants, enVariants);
    const startsAt = pick(parsePeriodDate(params.starts_at), old?.startsAt ?? null);
    const endsAt = pick(parsePeriodDate(params.ends_at), old?.endsAt ?? null);
    checkPeriod(startsAt, endsAt);
    const name = params.name?.trim().slice(0, 100) || old?.name || frVariants[0] || enVariants[0] || '';
    return {
      name,
      frVariants,
      enVariants,
      senderNumber: await this.senderNumber(accountId, params.from, old),
      frReply: pick(parseReply(params.fr_reply), old?.frReply ?? null),
      enReply: pick(parseReply(params.en_reply), old?.enReply ?? null),
      groupId: await this.groupId(accountId, params.group, old),
      webhook: parseFlag('webhook', params.webhook) ?? old?.webhook ?? false,
      startsAt,
      endsAt,
      replyLimit: parseReplyLimit(params.reply_limit) ?? old?.replyLimit ?? DEFAULT_REPLY_LIMIT,
      contest: parseFlag('contest', params.contest) ?? old?.contest ?? false,
    };
  }

  /** `from`: one of the account's sender numbers, `all` (or `none`) for every one of them. */
  private async senderNumber(accountId: number, raw: string | undefined, old: Keyword | undefined) {
    if (raw === undefined) return old?.senderNumber ?? null;
    const value = raw.trim().toLowerCase();
    if (value === 'all' || value === CLEAR) return null;
    const digits = value.replace(/\D/g, '');
    if (!(await this.deps.store.senderNumbers(accountId)).includes(digits)) throw unknownSender();
    return digits;
  }

  /** `group`: an id or a name; `none` for no group. Tous adds the contact only; Blocked is refused. */
  private async groupId(accountId: number, raw: string | undefined, old: Keyword | undefined) {
    if (raw === undefined) return old?.group?.id ?? null;
    if (raw.trim().toLowerCase() === CLEAR) return null;
    const group = await this.deps.store.findGroup(accountId, groupKey(raw));
    if (!group) throw groupNotFound();
    if (group.systemKind === 'blocked') throw keywordGroupBlocked();
    return group.id;
  }

  /** One word, one keyword per number: a variant another keyword listening on the same number has. */
  private async refuseTakenVariants(accountId: number, fields: KeywordFields, selfId: number | undefined) {
    const mine = new Set(foldedVariants(fields));
    for (const other of await this.deps.store.listKeywords(accountId)) {
      if (other.id === selfId) continue;
      const overlap =
        other.senderNumber === null ||
        fields.senderNumber === null ||
        other.senderNumber === fields.senderNumber;
      if (!overlap) continue;
      const taken = foldedVariants(other).find((v) => mine.has(v));
      if (taken !== undefined) throw keywordVariantTaken(taken);
    }
  }
}

const pick = <T>(sent: T | undefined, kept: T): T => (sent === undefined ? kept : sent);
