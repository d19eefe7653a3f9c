import type { BroadcastTexts } from '../broadcasts/broadcasts.js';
import { caslFooterNotGsm7 } from '../errors.js';
import { isGsm7 } from '../sms/segments.js';

/**
 * CASL s. 6(2): a commercial electronic message identifies its sender and carries a working
 * unsubscribe mechanism. An account that turns the footer on gets, after the SMS text of each
 * language of a commercial broadcast, its sender identification in that language and the keyword
 * that unsubscribes (the opt-out keywords of opt-out.ts). Both lines are GSM-7, so the footer never
 * turns a GSM-7 text into UCS-2 (which would halve each part); it is counted in the parts shown
 * before a start because it is part of the text from the start on.
 */
export interface CaslFooter {
  readonly on: boolean;
  /** The sender identification, e.g. "Radio CKOI, 211 av. Gordon, Verdun". */
  readonly fr: string;
  readonly en: string;
}

export const UNSUBSCRIBE_LINES = {
  fr: 'ARRET pour vous désabonner',
  en: 'STOP to unsubscribe',
} as const;

export const MAX_SENDER_IDENTIFICATION = 120;

/** The footer appended to a text in `language` (a line break, the identification, the keyword line). */
export function footerText(footer: CaslFooter, language: 'fr' | 'en'): string {
  const identification = (language === 'fr' ? footer.fr : footer.en).trim();
  const unsubscribe = UNSUBSCRIBE_LINES[language];
  return identification === '' ? `\n${unsubscribe}` : `\n${identification}\n${unsubscribe}`;
}

/**
 * The SMS texts a commercial broadcast sends when the account's footer is on; the texts as written
 * otherwise. Emails are left alone (their unsubscribe is a link, not a keyword).
 */
export function withCaslFooter(
  texts: BroadcastTexts,
  footer: CaslFooter | null,
  commercial: boolean,
): BroadcastTexts {
  if (!footer?.on || !commercial) return texts;
  return {
    ...texts,
    frMessage: texts.frMessage === null ? null : texts.frMessage + footerText(footer, 'fr'),
    enMessage: texts.enMessage === null ? null : texts.enMessage + footerText(footer, 'en'),
  };
}

/** Checks an identification an operator sets: GSM-7 only (so it costs no UCS-2), and bounded. */
export function parseSenderIdentification(raw: string): string {
  const text = raw.trim().slice(0, MAX_SENDER_IDENTIFICATION);
  if (!isGsm7(text)) throw caslFooterNotGsm7();
  return text;
}
