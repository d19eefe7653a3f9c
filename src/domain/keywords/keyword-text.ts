import type { Language } from '../contacts/address-book.js';

/**
 * How an inbound text is compared with an account's keywords. Listeners type "Météo", "meteo!",
 * "METEO montreal" on phones that add accents and capitals as they please: the text and the
 * variants are folded as the opt-out keywords are (opt-out.ts: accents dropped, upper case, runs of
 * anything else one space), except that digits are kept ("DEMANDE 2", "CKOI 96"). A keyword matches
 * when the folded text IS the folded variant or STARTS with it followed by a space: "METEO" and
 * "Météo Montréal" match METEO, "METEOROLOGIE" does not.
 */
export function foldKeywordText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();
}

/** One variant of a keyword as matching sees it. */
export interface KeywordVariant {
  readonly folded: string;
  /** The language list it was given in; a word given in both lists has both. */
  readonly languages: readonly Language[];
}

/** What matching needs of a keyword. */
export interface MatchableKeyword {
  readonly id: number;
  readonly frVariants: readonly string[];
  readonly enVariants: readonly string[];
  /** The sender number it listens on; null for every number of the account. */
  readonly senderNumber: string | null;
  readonly startsAt: number | null;
  readonly endsAt: number | null;
}

export interface KeywordMatch<K extends MatchableKeyword> {
  readonly keyword: K;
  /** The variant's language when it tells one; null when the word is in both lists. */
  readonly language: Language | null;
  readonly variant: string;
}

/** The folded variants of a keyword, each with the languages it was listed in. */
export function keywordVariants(
  keyword: Pick<MatchableKeyword, 'frVariants' | 'enVariants'>,
): KeywordVariant[] {
  const byFolded = new Map<string, Language[]>();
  for (const [language, list] of [
    ['fr', keyword.frVariants],
    ['en', keyword.enVariants],
  ] as const) {
    for (const variant of list) {
      const folded = foldKeywordText(variant);
      if (folded === '') continue;
      const languages = byFolded.get(folded) ?? [];
      if (!languages.includes(language)) languages.push(language);
      byFolded.set(folded, languages);
    }
  }
  return [...byFolded].map(([folded, languages]) => ({ folded, languages }));
}

/** True when the keyword listens now: inside its period (start inclusive, end exclusive). */
export function keywordActive(keyword: Pick<MatchableKeyword, 'startsAt' | 'endsAt'>, now: number): boolean {
  return (
    (keyword.startsAt === null || now >= keyword.startsAt) &&
    (keyword.endsAt === null || now < keyword.endsAt)
  );
}

/**
 * The keyword an inbound text sent to `to` matches, among the account's keywords: the longest variant
 * wins ("DEMANDE SPECIALE" before "DEMANDE"), and on the same variant a keyword bound to this number
 * before one listening on every number. Inactive keywords are left out by the caller's choice
 * (`now`): a text outside the period is no keyword message at all.
 */
export function matchKeyword<K extends MatchableKeyword>(
  keywords: readonly K[],
  text: string,
  to: string,
  now: number,
): KeywordMatch<K> | undefined {
  const folded = foldKeywordText(text);
  if (folded === '') return undefined;
  let best: { match: KeywordMatch<K>; rank: number } | undefined;
  for (const keyword of keywords) {
    if (keyword.senderNumber !== null && keyword.senderNumber !== to) continue;
    if (!keywordActive(keyword, now)) continue;
    for (const variant of keywordVariants(keyword)) {
      if (folded !== variant.folded && !folded.startsWith(`${variant.folded} `)) continue;
      const rank = variant.folded.length * 2 + (keyword.senderNumber === null ? 0 : 1);
      if (best && best.rank >= rank) continue;
      const language = variant.languages.length === 1 ? (variant.languages[0] ?? null) : null;
      best = { match: { keyword, language, variant: variant.folded }, rank };
    }
  }
  return best?.match;
}
