import type { Language } from '../contacts/address-book.js';
import type { ConsentRecorder } from '../ports/consent-log.js';
import type { KeywordInboundStore } from '../ports/keyword-store.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { WebhookEventRecord } from '../ports/webhook-store.js';
import { inboundWebhookEvent } from '../webhooks/webhook-events.js';
import { replyMessage } from '../messages/outbound.js';
import { matchKeyword } from './keyword-text.js';
import type { Keyword } from './keywords.js';

/** An inbound message about to be stored, as keyword matching sees it. */
export interface KeywordCandidate {
  readonly accountId: number;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly partCount: number;
  readonly receivedAt: number;
}

/** A message that matched: what was decided before it was stored. */
export interface MatchedKeyword {
  readonly keyword: Keyword;
  /** The language of the contact, else of the variant, else the account's. */
  readonly language: Language;
  /** The contact the message links to (joined to the keyword's group when it has one). */
  readonly contactId: number | null;
  readonly blocked: boolean;
}

/** What the matched message did once stored: webhook deliveries queued, the auto-reply's id. */
export interface KeywordOutcome {
  readonly webhooks: number;
  readonly replyId: number | null;
  /** Contest mode: whether this message was a new entry (a number enters once). */
  readonly entered: boolean | null;
}

export interface KeywordInboundDeps {
  readonly store: KeywordInboundStore;
  /** Queues webhook events in `tx` (WebhookService.queueKeyword); returns the deliveries queued. */
  readonly queueWebhook: (record: WebhookEventRecord, tx: StoreTransaction) => Promise<number>;
  /** The CASL consent log; a keyword that joins a group is an express opt-in. The integrator wires it. */
  readonly consent?: ConsentRecorder;
}

/** The window of the per-number reply limit. */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * What an inbound message that matches one of the account's keywords does, inside InboundService's
 * reception transaction (the carrier is acknowledged after its commit, so nothing is half done):
 * `match` before the message is stored (the group join makes the contact it links to), `apply`
 * after (counted, entered, answered, announced to webhooks). Opt-out keywords are InboundService's
 * and come first: a STOP never reaches here.
 *
 * The auto-reply is queued in the same transaction, as a priority-0 row of the send queue the
 * dispatcher sends like any `send` — not through MessagingService.send, whose batches commit in
 * their own transaction: a reply queued after this commit could be lost to a crash in between, and
 * one queued twice when the carrier re-delivers. Keyed by the inbound message (a unique index), it
 * is queued at most once per MO. A blocked or suppressed number is never answered.
 */
export class KeywordInbound {
  constructor(private readonly deps: KeywordInboundDeps) {}

  async match(tx: StoreTransaction, message: KeywordCandidate): Promise<MatchedKeyword | undefined> {
    const { store } = this.deps;
    const keywords = await store.keywordsOf(tx, message.accountId);
    const found =
      keywords.length === 0
        ? undefined
        : matchKeyword(keywords, message.text, message.to, message.receivedAt);
    if (!found) return undefined;
    const sender = await store.sender(tx, message.accountId, message.from);
    const language =
      sender.language ?? found.language ?? (await store.accountLanguage(tx, message.accountId));
    const matched = {
      keyword: found.keyword,
      language,
      contactId: sender.contactId,
      blocked: sender.blocked,
    };
    if (found.keyword.group === null || sender.blocked) return matched;
    const joined = await store.joinGroup(tx, {
      accountId: message.accountId,
      number: message.from,
      language,
      groupId: found.keyword.group.id,
      now: message.receivedAt,
    });
    await this.deps.consent?.record(
      [
        {
          accountId: message.accountId,
          number: message.from,
          email: null,
          action: 'granted',
          type: 'express',
          source: 'keyword',
          evidence: `"${message.text}" texted to ${message.to}`,
          at: message.receivedAt,
          expiresAt: null,
        },
      ],
      tx,
    );
    return { ...matched, contactId: joined.contactId, language: joined.language };
  }

  async apply(
    tx: StoreTransaction,
    matched: MatchedKeyword,
    message: KeywordCandidate & { readonly messageId: number },
  ): Promise<KeywordOutcome> {
    const { store } = this.deps;
    const { keyword, language } = matched;
    // First, as it locks the keyword's row on PostgreSQL: two texts from one number at once are then
    // applied one after the other, and the second sees the first's reply when it counts the limit.
    await store.countMatch(tx, keyword.id);
    const entered = keyword.contest
      ? await store.addEntry(tx, {
          keywordId: keyword.id,
          number: message.from,
          language,
          messageId: message.messageId,
          now: message.receivedAt,
        })
      : null;
    const replyId = await this.reply(tx, matched, message);
    const webhooks = keyword.webhook
      ? await this.deps.queueWebhook(keywordWebhookEvent(matched, message, { replyId, entered }), tx)
      : 0;
    return { webhooks, replyId, entered };
  }

  /** The auto-reply in the contact's language (else the other one), within the number's daily limit. */
  private async reply(
    tx: StoreTransaction,
    { keyword, language, contactId, blocked }: MatchedKeyword,
    message: KeywordCandidate & { readonly messageId: number },
  ): Promise<number | null> {
    const body =
      (language === 'fr' ? (keyword.frReply ?? keyword.enReply) : (keyword.enReply ?? keyword.frReply)) ??
      null;
    if (body === null || blocked || keyword.replyLimit === 0) return null;
    const since = message.receivedAt - REPLY_WINDOW_MS;
    if ((await this.deps.store.repliesSince(tx, keyword.id, message.from, since)) >= keyword.replyLimit)
      return null;
    return this.deps.store.queueReply(tx, replyMessage(message, body, contactId, message.receivedAt), {
      keywordId: keyword.id,
      inboundId: message.messageId,
    });
  }
}

/**
 * The `keyword` webhook event: get_feed's `mo` object (as the `mo` event) plus the keyword that
 * matched, the language chosen, the auto-reply's msg_id (null when none was sent) and, for a
 * contest, whether the message was a new entry.
 */
export function keywordWebhookEvent(
  matched: MatchedKeyword,
  message: KeywordCandidate & { readonly messageId: number },
  outcome: { replyId: number | null; entered: boolean | null },
): WebhookEventRecord {
  return {
    accountId: message.accountId,
    event: 'keyword',
    payload: {
      ...inboundWebhookEvent(message).payload,
      keyword: { id: matched.keyword.id, name: matched.keyword.name },
      language: matched.language,
      reply_msg_id: outcome.replyId,
      ...(outcome.entered === null ? {} : { contest_entry: outcome.entered }),
    },
  };
}
