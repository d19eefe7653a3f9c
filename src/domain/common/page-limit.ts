import { invalidFeedLimit } from '../errors.js';

/** A `limit` parameter of a paged list: absent takes the default; beyond `max` is refused, not cut. */
export function parsePageLimit(raw: string | undefined, fallback: number, max: number): number {
  const text = raw?.trim() ?? '';
  if (text === '') return fallback;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > max) throw invalidFeedLimit(max); // get_feed's limit, same rule and text
  return Number(text);
}
