import type { DomainError } from '../../domain/errors.js';
import { LOCALE, type Language } from './catalog.js';
import { FR_ERRORS } from './errors-fr.js';
import { MESSAGES, type MessageKey } from './messages.js';

export type Vars = Readonly<Record<string, string | number>>;

/** One request's language and time zone: its strings, dates and numbers. */
export interface Translator {
  readonly lang: Language;
  readonly timeZone: string;
  t(key: MessageKey, vars?: Vars): string;
  /** Date and time in the reader's time zone, e.g. « 2 déc. 2026, 13 h 05 ». */
  dateTime(epochMs: number): string;
  number(value: number): string;
  /** A domain error in the reader's language (the API's English text is the English one). */
  error(error: DomainError): string;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<Language, Intl.NumberFormat>();

function dateFormat(lang: Language, timeZone: string): Intl.DateTimeFormat {
  const cacheKey = `${lang} ${timeZone}`;
  let format = dateFormats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateFormats.set(cacheKey, format);
  }
  return format;
}

function numberFormat(lang: Language): Intl.NumberFormat {
  let format = numberFormats.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE[lang]);
    numberFormats.set(lang, format);
  }
  return format;
}

export function createTranslator(lang: Language, timeZone: string): Translator {
  const messages = MESSAGES[lang];
  const numbers = numberFormat(lang);
  const translator: Translator = {
    lang,
    timeZone,
    t(key, vars) {
      const text = messages[key];
      if (!vars) return text;
      return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
        const value = vars[name];
        if (value === undefined) return whole;
        return typeof value === 'number' ? numbers.format(value) : value;
      });
    },
    dateTime: (epochMs) => dateFormat(lang, timeZone).format(new Date(epochMs)),
    number: (value) => numbers.format(value),
    error: (error) => (lang === 'fr' ? FR_ERRORS[error.id] : error.message),
  };
  return translator;
}

/** Whether a time zone name is one Intl knows (the user's setting is checked against it). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
