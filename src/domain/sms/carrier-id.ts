/**
 * Carrier message ids: what a carrier answered to submit_sm, and what its delivery receipt names.
 *
 * SMPP v3.4 wants both to be the same string, but many SMSCs answer submit_sm with a hexadecimal id
 * and write the receipt's `id:` field in decimal (or the reverse), with or without leading zeros and
 * in either case. Matching therefore goes through these keys:
 *
 * - `normaliseCarrierId`: trimmed; when the id is made of hex digits only, lower-cased and without
 *   leading zeros ("0000A1f" → "a1f", "000" → "0"); any other id is kept as written (trimmed).
 *   The SMPP transport hands out both submit ids and receipt ids in this form.
 * - `carrierIdKeys(receiptId)`: the normalised id first, then its reading in the other base: a
 *   decimal id as hex ("305419896" → "12345678") and a hex-digit id as decimal ("a1f" → "2591").
 *
 * Store the normalised submit id of each part; to match a receipt, look its keys up in order and take
 * the first that exists. The exact form wins, so a carrier that writes both ids alike always matches
 * exactly; the cross-base readings only apply when the exact form is unknown. (A carrier mixing bases
 * can still collide when a hex id happens to be all digits; such a carrier should be configured to
 * send the receipted_message_id TLV, which the transport prefers and which carries the submit id.)
 */

/**
 * Two SMSCs number their messages independently, so with several connectors an id is only unique
 * with the SMSC that issued it: the SMPP transport then writes ids as `<scope>|<id>` (scope: the
 * connector's `id_scope`, by default its host:port), for submits and receipts alike. The id part is
 * normalised and read in both bases as above; the scope is kept as written.
 */
const SCOPE_SEPARATOR = '|';

const HEX_DIGITS = /^[0-9a-f]+$/;
const DECIMAL_DIGITS = /^[0-9]+$/;

/** The canonical form of a carrier id (see the module comment). */
export function normaliseCarrierId(id: string): string {
  const [scope, bare] = splitScope(id);
  return scope === undefined ? normaliseBare(bare) : `${scope}${SCOPE_SEPARATOR}${normaliseBare(bare)}`;
}

/** The id an SMSC gave, scoped to that SMSC (see the comment on SCOPE_SEPARATOR). */
export function scopedCarrierId(scope: string | undefined, id: string): string {
  return normaliseCarrierId(scope === undefined ? id : `${scope}${SCOPE_SEPARATOR}${id}`);
}

function splitScope(id: string): [string | undefined, string] {
  const at = id.lastIndexOf(SCOPE_SEPARATOR);
  return at < 0 ? [undefined, id] : [id.slice(0, at), id.slice(at + 1)];
}

function normaliseBare(id: string): string {
  const trimmed = id.trim();
  const lower = trimmed.toLowerCase();
  if (!HEX_DIGITS.test(lower)) return trimmed;
  return lower.replace(/^0+(?=.)/, '');
}

/** Lookup keys for a receipt's id, most specific first (see the module comment). */
export function carrierIdKeys(id: string): string[] {
  const [scope, bare] = splitScope(id);
  const keys = bareKeys(bare);
  return scope === undefined ? keys : keys.map((key) => `${scope}${SCOPE_SEPARATOR}${key}`);
}

function bareKeys(id: string): string[] {
  const normalised = normaliseBare(id);
  const keys = [normalised];
  if (DECIMAL_DIGITS.test(normalised)) keys.push(BigInt(normalised).toString(16));
  if (HEX_DIGITS.test(normalised)) keys.push(BigInt(`0x${normalised}`).toString(10));
  return [...new Set(keys)];
}
