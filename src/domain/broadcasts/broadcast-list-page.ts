import { notAWholeNumber, outOfRange } from '../errors.js';

/**
 * Pages of a broadcast's `list` (extension of contract §7). The 2019 document returns every message
 * of every started broadcast; an account with three 100,000-recipient broadcasts would get an answer
 * of hundreds of megabytes. A page is read by keyset — the rows whose message id is above `after`,
 * in id order — so reading page 100 costs what page 1 costs (an index range on (broadcast_id, id)).
 */

/** Rows of a list answered when the client names no limit: bounded, and every small broadcast whole. */
export const DEFAULT_LIST_ROWS = 1000;
/** The most rows one list answers. */
export const MAX_LIST_ROWS = 10_000;

export interface ListPage {
  /** Rows with a message id above this one (0: from the start). */
  readonly afterId: number;
  /** At most this many rows. */
  readonly limit: number;
}

/** One page of a list and where the next starts: null when this page ends the list. */
export interface ListSlice<Row> {
  readonly rows: readonly Row[];
  readonly nextAfter: number | null;
}

function wholeNumber(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (!/^\d{1,15}$/.test(trimmed)) throw notAWholeNumber(name);
  return Number(trimmed);
}

/**
 * Reads `limit` (rows, `minRows` to MAX_LIST_ROWS, default DEFAULT_LIST_ROWS) and `after` (a message
 * id, default 0). get_broadcasts lets `list_limit` be 0 (no rows, only the counters).
 */
export function parseListPage(
  raw: { readonly limit?: string; readonly after?: string },
  names: { readonly limit: string; readonly after: string },
  minRows: number,
): ListPage {
  const limit = wholeNumber(raw.limit, names.limit) ?? DEFAULT_LIST_ROWS;
  if (limit < minRows || limit > MAX_LIST_ROWS)
    throw outOfRange(names.limit, String(minRows), String(MAX_LIST_ROWS));
  return { afterId: wholeNumber(raw.after, names.after) ?? 0, limit };
}

/**
 * Cuts a page read with one row more than asked (`limit + 1`, the cheapest way to know that more
 * follow): the extra row is dropped and the page's last id becomes the next cursor.
 */
export function sliceListPage<Row extends { readonly id: number }>(
  rowsPlusOne: readonly Row[],
  page: ListPage,
): ListSlice<Row> {
  if (rowsPlusOne.length <= page.limit) return { rows: rowsPlusOne, nextAfter: null };
  const rows = rowsPlusOne.slice(0, page.limit);
  // A page of 0 rows (list_limit=0) still says where the list goes on: from where it was asked.
  return { rows, nextAfter: rows[rows.length - 1]?.id ?? page.afterId };
}
