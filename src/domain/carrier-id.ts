/**
 * Carrier message ids. The submit_sm_resp gives an id that the delivery receipt quotes later, but
 * carriers disagree on its form: many answer the submit in hex (`0A1B2C3D`) and quote it in the
 * receipt in decimal (`169552957`), some pad with zeros, some change case. Parts are stored under a
 * key (lower case, no leading zeros) and a receipt is matched on every reading of its id, best first.
 */

const MAX_NUMERIC_DIGITS = 20;

/** The stored key of a carrier id: lower case, leading zeros removed (`0A1B` → `a1b`). */
export function carrierKey(id: string): string {
  const lower = id.trim().toLowerCase();
  const stripped = lower.replace(/^0+(?=.)/, '');
  return stripped;
}

/**
 * Every key a receipt's id may have been stored under, in order of preference: the id as written,
 * then the id read as decimal and written in hex, then read as hex and written in decimal.
 */
export function receiptKeys(id: string): string[] {
  const key = carrierKey(id);
  const keys = [key];
  if (/^\d+$/.test(key) && key.length <= MAX_NUMERIC_DIGITS) keys.push(BigInt(key).toString(16));
  if (/^[0-9a-f]+$/.test(key) && key.length <= MAX_NUMERIC_DIGITS) keys.push(BigInt(`0x${key}`).toString(10));
  return [...new Set(keys)];
}
