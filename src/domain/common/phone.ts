import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';

/**
 * Normalises a phone number to the contract's form: digits only, international, no `+`.
 * National numbers are read in the account's country; a number is accepted only when
 * libphonenumber finds it valid (so the source's own one-digit-short `1514555555` is refused).
 * Returns null for anything that is not a valid number.
 */
export function normalisePhone(input: string, defaultCountry: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '' || trimmed.length > 40 || !/^[+\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/[^\d]/g, '');
  if (digits.length < 4 || digits.length > 17) return null;
  const country = defaultCountry.toUpperCase() as CountryCode;
  // Explicit `+`: international. 11 digits starting with 1 are NANP written without the `+`.
  const candidates = trimmed.startsWith('+')
    ? [`+${digits}`]
    : nanpWithPrefix(digits, country)
      ? // In a NANP country both readings give the same +1 number; the international one is
        // parsed three times faster (libphonenumber's national-prefix search is what costs).
        [`+${digits}`, digits]
      : [digits, `+${digits}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, country);
    if (parsed?.isValid()) return parsed.number.slice(1);
  }
  return null;
}

/** `1` + 10 digits, read in a country of the North American Numbering Plan (calling code 1). */
function nanpWithPrefix(digits: string, country: CountryCode): boolean {
  return (
    digits.length === 11 &&
    digits.startsWith('1') &&
    isSupportedCountry(country) &&
    getCountryCallingCode(country) === '1'
  );
}

export type PhoneKind = 'mobile' | 'landline' | 'unknown';

/** What libphonenumber knows of a normalised number's type; NANP numbers are usually 'unknown'. */
export function phoneKind(normalised: string): PhoneKind {
  const type = parsePhoneNumberFromString(`+${normalised}`)?.getType();
  if (type === 'MOBILE') return 'mobile';
  if (type === 'FIXED_LINE') return 'landline';
  return 'unknown';
}
