/**
 * What an account's admin may change of it: its name, the language of contacts created without
 * one, and the country national phone numbers are read in. The country must be one libphonenumber
 * has metadata for (ISO 3166 alpha-2), since it is exactly what `normalisePhone` is given.
 */
import { getCountries, isSupportedCountry } from 'libphonenumber-js/max';
import type { Language } from '../contacts/address-book.js';
import { accountNameRequired, accountNameTooLong, invalidCountry, invalidLanguage } from '../errors.js';

export const ACCOUNT_NAME_MAX = 100;

export interface AccountSettings {
  readonly name: string;
  readonly defaultLanguage: Language;
  readonly defaultCountry: string;
}

/** Every country a phone number can be read in (ISO 3166 alpha-2, upper case), in code order. */
export const PHONE_COUNTRIES: readonly string[] = getCountries();

/** The country's code in upper case when libphonenumber knows it, else undefined. */
export function parseCountry(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code) ? code : undefined;
}

/** Validates settings as typed in a form: the name trimmed (spaces collapsed), the codes checked. */
export function checkAccountSettings(input: {
  readonly name: string;
  readonly defaultLanguage: string;
  readonly defaultCountry: string;
}): AccountSettings {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name === '') throw accountNameRequired();
  if ([...name].length > ACCOUNT_NAME_MAX) throw accountNameTooLong(ACCOUNT_NAME_MAX);
  const defaultLanguage =
    input.defaultLanguage === 'fr' || input.defaultLanguage === 'en' ? input.defaultLanguage : undefined;
  if (!defaultLanguage) throw invalidLanguage();
  const defaultCountry = parseCountry(input.defaultCountry);
  if (!defaultCountry) throw invalidCountry();
  return { name, defaultLanguage, defaultCountry };
}
