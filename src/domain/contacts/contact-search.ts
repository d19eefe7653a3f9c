import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js/max';
import { normalisePhone } from '../common/phone.js';

/**
 * What the search box of the contacts page asks for, read from what the user typed:
 *
 * - with an `@`, or one word with a dot or an underscore: an email prefix ("jean.t" and "jean.tremblay@"
 *   find "jean.tremblay@example.com");
 * - only digits and phone punctuation (spaces, dashes, dots, parentheses, a leading `+`), at least 3
 *   digits: a number prefix, in the stored form (international digits without `+`): "514 555-12",
 *   "1-514-555-12" and "+1 514 555 12" all look for numbers starting with 151455512 in a Canadian
 *   account;
 * - anything else: words of the name, each matching the start of a word of the name, whatever the
 *   case and accents ("trem" and "Tremblay" find "Jean Tremblay", "helene" finds "Hélène").
 */
export type ContactSearch =
  | { readonly kind: 'name'; readonly words: readonly string[] }
  | { readonly kind: 'number'; readonly prefix: string }
  | { readonly kind: 'email'; readonly prefix: string };

/** Words beyond this are ignored: a name has a few, and each one is an index lookup. */
const MAX_WORDS = 6;

/** Lower case, accents removed (Unicode decomposition), split on anything not a letter or digit. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '')
    .slice(0, MAX_WORDS);
}

function callingCode(country: string): string | undefined {
  try {
    return getCountryCallingCode(country.toUpperCase() as CountryCode);
  } catch {
    return undefined;
  }
}

function numberPrefix(raw: string, country: string): string {
  const whole = normalisePhone(raw, country);
  if (whole) return whole;
  const digits = raw.replace(/\D/g, '');
  if (raw.trim().startsWith('+')) return digits;
  const code = callingCode(country);
  if (code === undefined) return digits; // a country libphonenumber does not know: digits as typed
  // Typed with the country code already (1 514…, 33 6…): as is; otherwise a national number, its
  // trunk prefix (the 0 of 06…) dropped.
  if (digits.startsWith(code) && digits.length > 10) return digits;
  if (code === '1') return digits.startsWith('1') ? digits : `1${digits}`;
  return code + digits.replace(/^0/, '');
}

/** Reads the search box; undefined when there is nothing to search for. */
export function parseContactSearch(raw: string | undefined, country: string): ContactSearch | undefined {
  const text = (raw ?? '').trim().slice(0, 200);
  if (text === '') return undefined;
  const digits = text.replace(/\D/g, '');
  if (!text.includes('@') && /^\+?[\d\s().-]+$/.test(text) && digits.length >= 3) {
    return { kind: 'number', prefix: numberPrefix(text, country) };
  }
  if (text.includes('@') || /^\S*[._]\S*$/.test(text)) return { kind: 'email', prefix: text.toLowerCase() };
  const words = searchWords(text);
  return words.length === 0 ? undefined : { kind: 'name', words };
}
