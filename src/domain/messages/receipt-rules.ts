import { carrierIdKeys } from '../sms/carrier-id.js';
import type { FinalState, PartCandidate, PartState, PartUpdate } from '../ports/receipt-store.js';
import type { DeliveryReceipt } from '../ports/transports.js';
import {
  detailedStatus,
  normaliseErrCode,
  receiptOutcome,
  RETRY_CODES,
  SUPPRESS_CODES,
} from './receipt-status.js';

/**
 * The receipt rules as pure functions over what the store returned: which part a receipt is about,
 * what it does to the part, when a (multi-part) message is settled and how, whether a failed
 * receipt sends the message again, and which failures put the number on the suppression list.
 */

/** A receipt matched to its part, and what it writes there. */
export interface MatchedReceipt {
  readonly part: PartCandidate;
  readonly update: PartUpdate;
}

/** Every reading (hex/decimal) of each receipt's carrier id: the keys to look the parts up by. */
export function receiptKeys(receipts: readonly DeliveryReceipt[]): string[][] {
  return receipts.map((r) => carrierIdKeys(r.carrierId));
}

/**
 * Matches receipts to parts. Per part, the last receipt of the batch wins; an intermediate receipt
 * (ENROUTE, …) changes only a part still awaiting one. Returns the indexes that matched no part.
 */
export function matchReceipts(
  receipts: readonly DeliveryReceipt[],
  keyLists: readonly (readonly string[])[],
  candidates: readonly PartCandidate[],
  now: number,
): { matched: MatchedReceipt[]; unmatched: number[] } {
  const byKey = new Map<string, PartCandidate[]>();
  for (const part of candidates) {
    const list = byKey.get(part.carrier_key ?? '') ?? [];
    list.push(part);
    byKey.set(part.carrier_key ?? '', list);
  }
  const unmatched: number[] = [];
  const matched = new Map<string, MatchedReceipt>();
  receipts.forEach((receipt, i) => {
    const part = pickPart(keyLists[i] ?? [], byKey);
    if (!part) return void unmatched.push(i);
    const outcome = receiptOutcome(receipt.stat);
    if (outcome === 'pending' && part.part_status !== 'sent') return;
    matched.set(`${part.message_id}:${part.seq}`, {
      part,
      update: {
        messageId: part.message_id,
        seq: part.seq,
        status: outcome === 'pending' ? 'sent' : outcome,
        stat: receipt.stat.trim().toUpperCase(),
        err: normaliseErrCode(receipt.err),
        doneAt: receipt.doneAt ?? now,
      },
    });
  });
  return { matched: [...matched.values()], unmatched };
}

/** The part a receipt is about: one still awaiting a receipt first, then by reading, then newest. */
function pickPart(
  keys: readonly string[],
  byKey: ReadonlyMap<string, PartCandidate[]>,
): PartCandidate | undefined {
  const ordered = keys.flatMap((key) =>
    [...(byKey.get(key) ?? [])].sort((a, b) => b.message_id - a.message_id),
  );
  return ordered.find((p) => p.part_status === 'sent') ?? ordered[0];
}

/** The matches that may settle their message: a final receipt for a message still `sent`. */
export function awaitingSettlement(matched: readonly MatchedReceipt[]): MatchedReceipt[] {
  return matched.filter((m) => m.part.message_status === 'sent' && m.update.status !== 'sent');
}

/** The multi-part messages among them, whose every part must be read to settle them. */
export function multiPartMessages(matched: readonly MatchedReceipt[]): number[] {
  return [...new Set(matched.filter((m) => m.part.part_count > 1).map((m) => m.part.message_id))];
}

/**
 * Each touched message's final state, if it has one: `failed` as soon as one part failed (with that
 * part's `<stat>_<err>`), `delivered` once every part is; otherwise none yet. A single-part message
 * is settled by its receipt alone; a multi-part one from `parts` (all its parts, as updated).
 */
export function settle(
  awaiting: readonly MatchedReceipt[],
  parts: ReadonlyMap<number, readonly Pick<PartState, 'status' | 'stat' | 'err'>[]>,
): Map<number, FinalState> {
  const finals = new Map<number, FinalState>();
  const detailed = (p: { stat: string | null; err: string | null }) =>
    detailedStatus(p.stat ?? '', p.err ?? '');
  for (const { part, update } of awaiting) {
    const all = part.part_count > 1 ? (parts.get(part.message_id) ?? []) : [update];
    const failedPart = all.find((p) => p.status === 'failed');
    if (failedPart) {
      finals.set(part.message_id, {
        id: part.message_id,
        status: 'failed',
        detailedStatus: detailed(failedPart),
      });
    } else if (all.length >= part.part_count && all.every((p) => p.status === 'delivered')) {
      finals.set(part.message_id, {
        id: part.message_id,
        status: 'delivered',
        detailedStatus: detailed(update),
      });
    }
  }
  return finals;
}

/**
 * Whether a failed message goes back in the queue: its receipt says "Réessayer plus tard" (101,
 * 102, 203, 305) and it has re-sends left (RECEIPT_RETRY_ATTEMPTS; 0 = never).
 */
export function retriesAfterReceipt(final: FinalState, attempts: number, receiptRetries: number): boolean {
  return (
    final.status === 'failed' && RETRY_CODES.has(final.detailedStatus.slice(-3)) && attempts <= receiptRetries
  );
}

/** Whether a final state puts the number on its account's suppression list ("Supprimer ce destinataire"). */
export function suppresses(final: FinalState): boolean {
  return final.status === 'failed' && SUPPRESS_CODES.has(final.detailedStatus.slice(-3));
}
