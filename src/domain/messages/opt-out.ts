import type { Language } from '../contacts/address-book.js';

/**
 * Opt-out keywords on inbound SMS (contract §8). Canada's anti-spam law (CASL) requires that a
 * recipient can unsubscribe from commercial messages at no cost and that it takes effect promptly;
 * carriers expect the usual keywords in both official languages. A keyword counts only when it is
 * the whole message (accents, case, spaces and punctuation aside): "Stop!" and "ARRÊT" opt out,
 * "stop calling me at night" is a message for a human.
 */
export type OptOutAction = 'stop' | 'start';

export interface OptOutKeyword {
  readonly action: OptOutAction;
  /** The keyword's language when it tells one; STOP and START are used in both. */
  readonly language: Language | null;
}

const KEYWORDS: ReadonlyMap<string, OptOutKeyword> = new Map([
  ...entries('stop', null, ['STOP', 'STOPALL', 'STOP ALL']),
  ...entries('stop', 'fr', [
    'ARRET',
    'ARRETER',
    'DESABONNER',
    'DESABONNEMENT',
    'DESINSCRIRE',
    'DESINSCRIPTION',
  ]),
  ...entries('stop', 'en', ['UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT OUT']),
  ...entries('start', null, ['START']),
  ...entries('start', 'fr', ['REPRISE', 'ABONNER', 'REABONNER']),
  ...entries('start', 'en', ['UNSTOP', 'SUBSCRIBE', 'OPTIN', 'OPT IN']),
]);

function entries(
  action: OptOutAction,
  language: Language | null,
  words: readonly string[],
): [string, OptOutKeyword][] {
  return words.map((word) => [word, { action, language }]);
}

/** The keyword a whole inbound message is, if it is one. */
export function optOutKeyword(text: string): OptOutKeyword | undefined {
  if (text.length > 40) return undefined;
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim();
  return KEYWORDS.get(folded);
}

const CONFIRMATIONS: Record<OptOutAction, Record<Language, string>> = {
  stop: {
    fr: 'Désabonnement confirmé: vous ne recevrez plus de messages de ce numéro. Répondez REPRISE pour vous réabonner.',
    en: 'You are unsubscribed and will receive no more messages from this number. Reply START to resubscribe.',
  },
  start: {
    fr: 'Réabonnement confirmé: vous recevrez de nouveau les messages de ce numéro. Répondez ARRET pour vous désabonner.',
    en: 'You are subscribed again to messages from this number. Reply STOP to unsubscribe.',
  },
};

/** The one message answered to a keyword, in the recipient's language (GSM-7, one part). */
export function optOutConfirmation(action: OptOutAction, language: Language): string {
  return CONFIRMATIONS[action][language];
}
