/**
 * The pieces of a connector URL (SMPP_URL, VOICE_URL) that every parser reads the same way. Each
 * reports a problem in words for the configuration's list instead of throwing, so one start-up
 * names every mistake at once.
 */

/** A %-encoded part (user, password, a parameter's value); the raw text when it does not decode. */
export function decodeUrlPart(value: string, what: string, report: (text: string) => void): string {
  try {
    return decodeURIComponent(value);
  } catch {
    report(`${what} has an invalid %-escape`);
    return value;
  }
}

/** A parameter that takes one of a few words; the fallback when absent, empty or not one of them. */
export function oneOfWords<T extends string>(
  raw: string | null | undefined,
  allowed: readonly T[],
  fallback: T,
  key: string,
  report: (text: string) => void,
): T {
  if (raw === undefined || raw === null || raw === '') return fallback;
  const found = allowed.find((candidate) => candidate === raw);
  if (found === undefined) report(`${key} must be one of ${allowed.join(', ')}`);
  return found ?? fallback;
}
