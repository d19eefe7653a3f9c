import type { UsageSlot } from '../usage/usage.js';

/**
 * What get_usage reads: an account's traffic counted per 15-minute UTC slot (USAGE_SLOT_MS) in
 * [startAt, endAt), by broadcast when asked. Implemented by src/store/messages/usage-repo.ts, each
 * count a range of an index (migration 020's messages_usage and emails_usage; messages_feed for mo).
 */
export interface UsageStore {
  usageSlots(
    accountId: number,
    range: { readonly startAt: number; readonly endAt: number },
    byBroadcast: boolean,
  ): Promise<UsageSlot[]>;
}
