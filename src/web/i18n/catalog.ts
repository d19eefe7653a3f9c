/**
 * The UI's two languages. Each area of the app keeps its strings in one file beside the others
 * (`common.ts`, `contacts.ts`, …) holding the French source `fr` and its English twin `en`, typed as
 * `Catalog<typeof fr>` so a string missing in either language fails type-checking. This file joins them.
 */
export type Catalog<T> = { readonly [K in keyof T]: string };

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}

/** BCP 47 tags for Intl: Canadian French and English (dates as Québec writes them). */
export const LOCALE: Readonly<Record<Language, string>> = { fr: 'fr-CA', en: 'en-CA' };
