import type { NewOutboundMessage, SendCommand, SendOutcome } from './outbound.js';

/**
 * What becomes of each `send` of a group-committed batch (contract §3.2), decided from what the
 * store read for the batch in its transaction — never by a query per item: the send path answers
 * thousands of requests a second and every statement is a round trip all of the batch waits on.
 * The store reads the facts, calls `decideSends`, writes what it says (the stale keys to release,
 * the messages to queue, in one INSERT) and answers with `settleSends`, all in one transaction, so
 * no fact can change between the decision and the write.
 */

/** Contract §3.2: the same idempotency_key within 24 h answers the first msg_id and sends nothing. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A number a send is addressed to: its contact in the account (if any), and whether it is refused. */
export interface RecipientState {
  readonly contactId: number | null;
  /** A blocked contact of the account, or a number on its suppression list. */
  readonly blocked: boolean;
}

/** A message sent earlier with an idempotency key of the batch. */
export interface EarlierSend {
  readonly id: number;
  readonly partCount: number;
  readonly encoding: string;
  readonly createdAt: number;
}

/** What the store read of one account for a batch of its sends. */
export interface SendFacts {
  /** The account's sender numbers, oldest first (the first is the default From). */
  readonly senders: readonly string[];
  /** Every number the batch sends to (absent: no contact, not blocked). */
  readonly recipients: ReadonlyMap<string, RecipientState>;
  /** The account's messages carrying one of the batch's idempotency keys, by key. */
  readonly earlier: ReadonlyMap<string, EarlierSend>;
}

export type SendDecision = (
  | { readonly kind: 'unknown_sender' | 'no_sender' | 'blocked' }
  /** The key was used within the window: answer that message again, send nothing. */
  | { readonly kind: 'replayed'; readonly earlier: EarlierSend }
  /** An earlier item of this batch queues a message with the same key: answer its id. */
  | { readonly kind: 'duplicate'; readonly of: number }
  | { readonly kind: 'queue'; readonly message: NewOutboundMessage }
) & {
  /**
   * The message that held the key past the window: the key is free again, so the store clears it
   * on that message (which keeps everything else) before queueing the new one.
   */
  readonly releaseKeyOf?: number;
};

/**
 * Decides each item of a batch, in order: an unknown sender is refused, so is any send of an account
 * without a sender number, a key seen within the window
 * is replayed (also when an earlier item of the batch uses it), a blocked or suppressed recipient is
 * refused, anything else is queued from the sender asked for or the account's first.
 */
export function decideSends(
  items: readonly SendCommand[],
  factsOf: (accountId: number) => SendFacts,
): SendDecision[] {
  const released = new Set<string>(); // account + key whose earlier message lost the key in this batch
  const firstUse = new Map<string, number>(); // account + key → index of the item that queues it
  return items.map((item, index): SendDecision => {
    const facts = factsOf(item.accountId);
    if (item.from !== undefined && !facts.senders.includes(item.from)) return { kind: 'unknown_sender' };
    // Every mt message has a `from` of digits (contract §3.1): without a number there is none to use.
    const from = item.from ?? facts.senders[0];
    if (from === undefined) return { kind: 'no_sender' };
    const key = item.idempotencyKey;
    let releaseKeyOf: number | undefined;
    if (key !== undefined) {
      const slot = `${item.accountId} ${key}`;
      const earlier = released.has(slot) ? undefined : facts.earlier.get(key);
      if (earlier && earlier.createdAt > item.acceptedAt - IDEMPOTENCY_WINDOW_MS)
        return { kind: 'replayed', earlier };
      if (earlier) {
        releaseKeyOf = earlier.id;
        released.add(slot);
      }
      const first = firstUse.get(slot);
      if (first !== undefined) return withRelease({ kind: 'duplicate', of: first }, releaseKeyOf);
    }
    const recipient = facts.recipients.get(item.to);
    if (recipient?.blocked) return withRelease({ kind: 'blocked' }, releaseKeyOf);
    if (key !== undefined) firstUse.set(`${item.accountId} ${key}`, index);
    const message: NewOutboundMessage = {
      accountId: item.accountId,
      from,
      to: item.to,
      body: item.body,
      partCount: item.partCount,
      encoding: item.encoding,
      contactId: recipient?.contactId ?? null,
      priority: 0,
      idempotencyKey: key ?? null,
      acceptedAt: item.acceptedAt,
    };
    return withRelease({ kind: 'queue', message }, releaseKeyOf);
  });
}

function withRelease(decision: SendDecision, releaseKeyOf: number | undefined): SendDecision {
  return releaseKeyOf === undefined ? decision : { ...decision, releaseKeyOf };
}

/** The messages to insert, in the order `settleSends` expects their ids back. */
export function messagesToQueue(decisions: readonly SendDecision[]): NewOutboundMessage[] {
  return decisions.flatMap((d) => (d.kind === 'queue' ? [d.message] : []));
}

/** Each item's answer, given the ids the store's INSERT returned for `messagesToQueue`, in order. */
export function settleSends(decisions: readonly SendDecision[], queuedIds: readonly number[]): SendOutcome[] {
  let next = 0;
  const outcomes = decisions.map((decision): SendOutcome | undefined => {
    switch (decision.kind) {
      case 'unknown_sender':
      case 'no_sender':
      case 'blocked':
        return { kind: decision.kind };
      case 'replayed':
        return {
          kind: 'replayed',
          id: decision.earlier.id,
          partCount: decision.earlier.partCount,
          encoding: decision.earlier.encoding,
        };
      case 'queue': {
        const id = queuedIds[next++];
        if (id === undefined) throw new Error('send batch: an insert returned no id');
        return {
          kind: 'queued',
          id,
          partCount: decision.message.partCount,
          encoding: decision.message.encoding,
        };
      }
      case 'duplicate':
        return undefined;
    }
  });
  return decisions.map((decision, index) => {
    const outcome = decision.kind === 'duplicate' ? asReplay(outcomes[decision.of]) : outcomes[index];
    if (!outcome) throw new Error('send batch: an item was left without an outcome');
    return outcome;
  });
}

function asReplay(outcome: SendOutcome | undefined): SendOutcome | undefined {
  return outcome && 'id' in outcome
    ? { kind: 'replayed', id: outcome.id, partCount: outcome.partCount, encoding: outcome.encoding }
    : outcome;
}
