import { resolveTimeZone } from '../common/timezone.js';
import {
  invalidLanguage,
  invalidTimezone,
  passwordTooLong,
  passwordTooShort,
  userNameTooLong,
} from '../errors.js';
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordLength,
  UI_LANGUAGES,
  USER_NAME_MAX,
  type UiLanguage,
} from './users.js';

// The checks of what a person types (a password, a profile), apart from users.ts because the
// error catalogue reads that file's limits.

/** A new password's length, in characters (throws the catalogue's error). */
export function checkPassword(password: string): void {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN) throw passwordTooShort();
  if (length > PASSWORD_MAX) throw passwordTooLong();
}

/** A profile as stored: the name's spaces collapsed, a known language and time zone (or throws). */
export function checkProfile(input: { name: string; language: string; timeZone: string }): {
  name: string;
  language: UiLanguage;
  timeZone: string;
} {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if ([...name].length > USER_NAME_MAX) throw userNameTooLong();
  const language = UI_LANGUAGES.find((l) => l === input.language);
  if (!language) throw invalidLanguage();
  const timeZone = resolveTimeZone(input.timeZone);
  if (!timeZone) throw invalidTimezone(input.timeZone);
  return { name, language, timeZone };
}
