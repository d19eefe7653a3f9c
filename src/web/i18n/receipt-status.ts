import { RECEIPT_STATS, type ReceiptState } from '../../domain/messages/receipt-status.js';
import type { Language } from './catalog.js';

/**
 * The contract's §6 status table (`domain/messages/receipt-status.ts`, the provider's French) as a
 * station's staff reads it, in both languages: each receipt code's name and suggested action. Any
 * page that shows an outbound message's outcome (messages view, conversation, broadcast failures)
 * calls `receiptStatusText(lang, detailed_status)`.
 */
export interface ReceiptStatusText {
  /** `UNDELIV_300`: what get_feed shows and what a carrier's support asks for. */
  readonly code: string;
  readonly name: string;
  readonly action: string;
}

type Text = { readonly name: string; readonly action: string };
type Entry = Readonly<Record<Language, Text>>;

const RETRY: Readonly<Record<Language, string>> = { fr: 'Réessayer plus tard', en: 'Try again later' };
const REMOVE: Readonly<Record<Language, string>> = {
  fr: 'Retirer ce destinataire de vos listes',
  en: 'Remove this recipient from your lists',
};
const DISCRETION: Readonly<Record<Language, string>> = { fr: 'À votre discrétion', en: 'At your discretion' };
const CONTACT: Readonly<Record<Language, string>> = {
  fr: 'Communiquer avec VuduMobile',
  en: 'Contact VuduMobile',
};

function entry(fr: string, en: string, action: Readonly<Record<Language, string>>): Entry {
  return { fr: { name: fr, action: action.fr }, en: { name: en, action: action.en } };
}

const own = (fr: string, en: string) => ({ fr, en });

/** By `<state> <code>`, as `findReceiptCode` keys the source's table. */
const TEXTS: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['DELIVERED 000', entry('Livré', 'Delivered', own('Message livré et facturé', 'Delivered and billed'))],
  [
    'ACCEPTED 000',
    entry(
      'Accepté',
      'Accepted',
      own(
        'Aucun statut plus précis ne viendra; le message est probablement livré.',
        'No more precise status will come; the message was probably delivered.',
      ),
    ),
  ],
  ['EXPIRED 101', entry('Nombre de tentatives épuisé', 'Retries exhausted', RETRY)],
  ['EXPIRED 102', entry('Période de validité expirée', 'Validity period expired', RETRY)],
  ['EXPIRED 103', entry('Attente d’un avis interrompue', 'Stopped waiting for a notice', DISCRETION)],
  ['UNDELIVERABLE 104', entry('Erreur de configuration', 'Configuration error', CONTACT)],
  ['UNDELIVERABLE 105', entry('Erreur de système', 'System error', CONTACT)],
  ['UNDELIVERABLE 200', entry('Service non permis', 'Service not allowed', REMOVE)],
  ['UNDELIVERABLE 201', entry('Compte fermé', 'Account closed', REMOVE)],
  ['UNDELIVERABLE 202', entry('Non facturable', 'Not billable', REMOVE)],
  ['UNDELIVERABLE 203', entry('Temporairement non facturable', 'Temporarily not billable', RETRY)],
  [
    'UNDELIVERABLE 204',
    entry(
      'Compte verrouillé',
      'Account locked',
      own(
        'Ce destinataire devrait probablement être retiré de vos listes',
        'This recipient should probably be removed from your lists',
      ),
    ),
  ],
  [
    'UNDELIVERABLE 205',
    entry(
      'Limite de dépenses atteinte',
      'Spending limit reached',
      own(
        'Cesser d’écrire à ce destinataire jusqu’à sa prochaine période de facturation',
        'Stop messaging this recipient until their next billing period',
      ),
    ),
  ],
  ['UNDELIVERABLE 206', entry('Erreur du système de facturation', 'Billing system error', DISCRETION)],
  [
    'UNDELIVERABLE 250',
    entry(
      'Abonnement déjà existant',
      'Subscription already exists',
      own(
        'Envoyer une demande de renouvellement plutôt que d’abonnement; sinon, communiquer avec VuduMobile',
        'Send a renewal request rather than a subscription; otherwise contact VuduMobile',
      ),
    ),
  ],
  [
    'UNDELIVERABLE 251',
    entry(
      'Abonnement inexistant',
      'No such subscription',
      own(
        'Vérifier que l’abonnement de ce destinataire a réussi',
        'Check that this recipient’s subscription succeeded',
      ),
    ),
  ],
  [
    'UNDELIVERABLE 252',
    entry(
      'Abonnement inactif',
      'Subscription inactive',
      own(
        'Retirer ce destinataire et vérifier vos annulations et remboursements',
        'Remove this recipient and check your cancellations and refunds',
      ),
    ),
  ],
  ['UNDELIVERABLE 253', entry('Facturation précédente en cours', 'Previous billing in progress', CONTACT)],
  [
    'UNDELIVERABLE 254',
    entry(
      'Demande de renouvellement en double',
      'Duplicate renewal request',
      own('Vérifier votre logique de renouvellement', 'Check your renewal logic'),
    ),
  ],
  [
    'UNDELIVERABLE 259',
    entry(
      'Erreur d’abonnement',
      'Subscription error',
      own(
        'Réessayer le lendemain, jusqu’à 3 jours; ensuite, communiquer avec VuduMobile',
        'Retry the next day, for up to 3 days; then contact VuduMobile',
      ),
    ),
  ],
  ['UNDELIVERABLE 300', entry('Non livrable', 'Undeliverable', DISCRETION)],
  [
    'UNDELIVERABLE 301',
    entry(
      'Longueur du message invalide',
      'Invalid message length',
      own(
        'Raccourcir le message (certains opérateurs n’acceptent pas 160 caractères)',
        'Shorten the message (not every carrier takes 160 characters)',
      ),
    ),
  ],
  [
    'UNDELIVERABLE 302',
    entry(
      'Numéro d’envoi invalide',
      'Invalid sending number',
      own(
        'Changer de numéro d’envoi ou communiquer avec VuduMobile',
        'Change the sending number or contact VuduMobile',
      ),
    ),
  ],
  ['UNDELIVERABLE 303', entry('Numéro de destination invalide', 'Invalid destination number', REMOVE)],
  ['UNDELIVERABLE 304', entry('Destination sur liste noire', 'Destination blacklisted', REMOVE)],
  ['UNDELIVERABLE 305', entry('Échec de la livraison', 'Delivery failed', RETRY)],
  ['EXPIRED 306', entry('Expiré', 'Expired', DISCRETION)],
  ['UNDELIVERABLE 307', entry('Erreur du système de l’opérateur', 'Carrier system error', DISCRETION)],
  ['UNKNOWN 399', entry('Inconnu', 'Unknown', DISCRETION)],
]);

/**
 * The name and suggested action of a stored `detailed_status` (`<STAT>_<ERR>`, e.g. `UNDELIV_300`) in
 * the reader's language; undefined for a status the table does not name (a carrier's own code).
 */
export function receiptStatusText(lang: Language, detailedStatus: string): ReceiptStatusText | undefined {
  const [stat = '', err = ''] = detailedStatus.split('_');
  const state: ReceiptState | undefined = RECEIPT_STATS[stat]?.state;
  const text = state ? TEXTS.get(`${state} ${err}`) : undefined;
  return text ? { code: detailedStatus, ...text[lang] } : undefined;
}

/** Every code of the table has a text in both languages (checked by a test against RECEIPT_CODES). */
export function hasReceiptText(state: ReceiptState, code: string): boolean {
  return TEXTS.has(`${state} ${code}`);
}
