import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidApiKeyName } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A new API key: 32 characters of base62 (about 190 bits), shown once and stored only hashed. */
export function generateApiKey(): string {
  const bytes = randomBytes(64);
  let key = '';
  for (const byte of bytes) {
    // 248 = 4 * 62: rejecting the top of the range keeps every character equally likely.
    if (byte < 248) key += ALPHABET[byte % 62];
    if (key.length === 32) return key;
  }
  return key + generateApiKey().slice(0, 32 - key.length);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The contract's masked form: first 6 characters, `*****`, last 5 (`25cKYq*****36wDAY`). */
export function maskApiKey(key: string): string {
  return `${key.slice(0, 6)}*****${key.slice(-5)}`;
}

export const MAX_KEY_NAME_LENGTH = 100;

/** A key's name as the account writes it: trimmed, 1 to MAX_KEY_NAME_LENGTH characters. */
export function parseKeyName(raw: string | undefined): string {
  const name = (raw ?? '').trim();
  if (name === '' || [...name].length > MAX_KEY_NAME_LENGTH) throw invalidApiKeyName(MAX_KEY_NAME_LENGTH);
  return name;
}
