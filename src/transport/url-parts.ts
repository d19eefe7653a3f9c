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

/** Reads numeric parameters: the fallback when absent or empty, or when outside [min, max] (reported). */
export type NumberParam = (
  key: string,
  fallback: number,
  min: number,
  max: number,
  whole?: boolean,
) => number;

export function numberParams(
  params: { get(key: string): string | null | undefined },
  report: (text: string) => void,
): NumberParam {
  return (key, fallback, min, max, whole = true) => {
    const raw = params.get(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
      report(`${key} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
}
