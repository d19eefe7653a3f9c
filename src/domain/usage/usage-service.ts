import type { UsageStore } from '../ports/usage-store.js';
import { foldUsage, parseUsageQuery, type UsageParams, type UsageReport } from './usage.js';

/** get_usage (extension): an account's SMS parts and emails per local day or month. */
export class UsageService {
  constructor(private readonly deps: { readonly store: UsageStore; readonly now: () => number }) {}

  async report(accountId: number, params: UsageParams): Promise<UsageReport> {
    const query = parseUsageQuery(params, this.deps.now());
    const slots = await this.deps.store.usageSlots(accountId, query, query.byBroadcast);
    return foldUsage(query, slots);
  }
}
