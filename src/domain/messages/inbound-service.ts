import { consentEntries } from '../consent/consent.js';
import type { ConsentRecorder } from '../ports/consent-log.js';
import type { InboundStore } from '../ports/inbound-store.js';
import type { Logger } from '../ports/logger.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { InboundSms } from '../ports/transports.js';
import { isGsm7 } from '../sms/segments.js';
import { replyMessage } from './outbound.js';
import type { InboundWebhookMessage } from '../webhooks/webhook-events.js';
import type { KeywordInbound } from '../keywords/keyword-inbound.js';
import type { QueueKind } from './message-events.js';
import { optOutConfirmation, optOutKeyword, type OptOutAction, type OptOutKeyword } from './opt-out.js';

export type InboundResult =
  | {
      readonly routed: true;
      readonly accountId: number;
      readonly messageId: number;
      readonly contactId: number | null;
      /** Set when the message was an opt-out keyword: what it did and the confirmation queued. */
      readonly optOut?: { readonly action: OptOutAction; readonly confirmationId: number };
      /** Set when the message matched one of the account's keywords: which, and its auto-reply. */
      readonly keyword?: { readonly keywordId: number; readonly replyId: number | null };
    }
  | { readonly routed: false; readonly unroutedId: number };

/** A stored MO message, as the account's `mo` webhooks show it. */
export type ReceivedMessage = InboundWebhookMessage;

/**
 * Writes, in the reception transaction, what a stored MO message triggers elsewhere (the account's
 * `mo` webhook deliveries); returns how many rows it queued, so their sender is woken after the commit.
 */
export type ReceivedListener = (message: ReceivedMessage, tx: StoreTransaction) => Promise<number>;

export interface InboundServiceDeps {
  readonly store: InboundStore;
  readonly log: Logger;
  readonly onReceived: ReceivedListener;
  /** Wakes the worker of a queue after a commit that queued rows in it (MessageEvents.notifyQueued). */
  readonly notifyQueued: (kind: QueueKind) => void;
  /**
   * STOP cancelled queued messages of these broadcasts, in `tx`: the broadcasts left with nothing to
   * wait for complete (BroadcastCompletion.completeIfDone, the one completion decision).
   */
  readonly onBroadcastMessagesCancelled: (
    broadcastIds: readonly number[],
    tx: StoreTransaction,
  ) => Promise<void>;
  /** The account's keywords (auto-replies, groups, contests); absent, no keyword is matched. */
  readonly keywords?: Pick<KeywordInbound, 'match' | 'apply'>;
  /** CASL: STOP and START are logged as a withdrawal and a grant of consent, in the same transaction. */
  readonly consent?: ConsentRecorder;
}

/** Carriers write addresses with or without `+` (and the odd space): compare digits. */
function digits(address: string): string {
  return address.replace(/\D/g, '');
}

/**
 * Inbound SMS (MO), what the carrier's onInbound calls: a message goes to the account whose sender
 * number is its destination, linked to that account's contact with the sender's number. One
 * addressed to no known number is kept as unrouted and logged — never dropped. An opt-out keyword
 * (STOP, ARRET… — opt-out.ts) is stored like any message and, in the same transaction, blocks or
 * unblocks the number and queues the one confirmation SMS: the transport acknowledges the MO only
 * after this commit, so a keyword is never lost half-applied. Any other message may match one of the
 * account's own keywords (KeywordInbound, domain/keywords/): matched before it is stored (flagged
 * `is_kw`, linked to the contact a keyword's group made), applied after, in the same transaction.
 */
export class InboundService {
  constructor(private readonly deps: InboundServiceDeps) {}

  async receive(sms: InboundSms): Promise<InboundResult> {
    const { store, log } = this.deps;
    const from = digits(sms.from) || sms.from;
    const to = digits(sms.to) || sms.to;
    const accountId = await store.accountOfSender(to);
    if (accountId === undefined) {
      const unroutedId = await store.keepUnrouted({
        from,
        to,
        body: sms.text,
        partCount: sms.partCount,
        receivedAt: sms.receivedAt,
      });
      log.warn(
        { from, to, unroutedId },
        'inbound SMS to a number no account sends from: kept in unrouted_inbound',
      );
      return { routed: false, unroutedId };
    }
    const keyword = optOutKeyword(sms.text);
    const { result, hooks } = await store.transaction(async (tx) => {
      // The keyword first: a STOP from an unknown number creates the contact the message links to.
      const applied =
        keyword &&
        (await this.applyKeyword(tx, keyword, { accountId, from, to, now: sms.receivedAt, text: sms.text }));
      const candidate = {
        accountId,
        from,
        to,
        text: sms.text,
        partCount: sms.partCount,
        receivedAt: sms.receivedAt,
      };
      // Opt-out keywords keep priority: a STOP is never an account keyword.
      const matched = applied ? undefined : await this.deps.keywords?.match(tx, candidate);
      const contactId = applied
        ? applied.contactId
        : (matched?.contactId ?? (await store.contactIdByNumber(tx, accountId, from)));
      const messageId = await store.insertInbound(tx, {
        ...(matched ? { isKw: true } : {}),
        accountId,
        from,
        to,
        body: sms.text,
        partCount: sms.partCount,
        encoding: isGsm7(sms.text) ? 'GSM-7' : 'UCS-2',
        contactId,
        receivedAt: sms.receivedAt,
      });
      const received = await this.deps.onReceived({ ...candidate, messageId }, tx);
      const kw = matched && (await this.deps.keywords?.apply(tx, matched, { ...candidate, messageId }));
      const hooks = received + (kw?.webhooks ?? 0);
      const optOut = applied && { action: applied.action, confirmationId: applied.confirmationId };
      const routed = {
        routed: true as const,
        accountId,
        messageId,
        contactId,
        ...(optOut ? { optOut } : {}),
        ...(matched && kw ? { keyword: { keywordId: matched.keyword.id, replyId: kw.replyId } } : {}),
      };
      return { result: routed, hooks };
    });
    if (hooks > 0) this.deps.notifyQueued('webhook');
    if (result.keyword) {
      if (result.keyword.replyId !== null) this.deps.notifyQueued('sms');
      log.info(
        { accountId, messageId: result.messageId, from, keywordId: result.keyword.keywordId },
        'inbound SMS: account keyword matched',
      );
    } else if (result.optOut) {
      this.deps.notifyQueued('sms');
      log.info({ accountId, from, action: result.optOut.action }, 'inbound SMS: opt-out keyword applied');
    } else log.info({ accountId, messageId: result.messageId, from }, 'inbound SMS stored');
    return result;
  }

  private async applyKeyword(
    tx: StoreTransaction,
    keyword: OptOutKeyword,
    message: { accountId: number; from: string; to: string; now: number; text: string },
  ): Promise<{ action: OptOutAction; confirmationId: number; contactId: number | null }> {
    const { store } = this.deps;
    const keywordText = message.text.trim();
    const subject = {
      accountId: message.accountId,
      number: message.from,
      now: message.now,
      keyword: keywordText,
    };
    const fallback = keyword.language ?? (await store.accountLanguage(tx, message.accountId));
    let contact;
    if (keyword.action === 'stop') {
      contact = await store.optOut(tx, { ...subject, language: fallback });
      if (contact.cancelledBroadcastIds.length > 0)
        await this.deps.onBroadcastMessagesCancelled(contact.cancelledBroadcastIds, tx);
    } else {
      contact = await store.optIn(tx, subject);
    }
    await this.deps.consent?.record(
      consentEntries(
        message.accountId,
        { number: message.from, email: null },
        {
          action: keyword.action === 'stop' ? 'withdrawn' : 'granted',
          type: 'express',
          at: message.now,
          source: 'opt_out_keyword',
          evidence: `SMS "${keywordText}" to ${message.to}`,
        },
      ),
      tx,
    );
    const body = optOutConfirmation(keyword.action, contact?.language ?? fallback);
    // Queued directly, past the blocked-recipient check of `send`: this one answer is what the law asks.
    const confirmationId = await store.queueMessage(
      tx,
      replyMessage(message, body, contact?.contactId ?? null, message.now),
    );
    return { action: keyword.action, confirmationId, contactId: contact?.contactId ?? null };
  }
}
