/**
 * The delivery-receipt status table of the provider's 2019 document (contract §6), as data: the
 * receipt's `stat:` value and its 3-digit `err:` code, the French name, description and suggested
 * action, copied from the source. `get_feed` shows `<stat>_<err>`; the suggested actions drive the
 * suppression list (200, 201, 202, 303, 304) and the optional retry (101, 102, 203, 305).
 */

/** The `Status` column of the source's table. */
export type ReceiptState = 'DELIVERED' | 'ACCEPTED' | 'EXPIRED' | 'UNDELIVERABLE' | 'UNKNOWN';

export interface ReceiptCode {
  readonly state: ReceiptState;
  readonly code: string;
  readonly name: string;
  readonly description: string;
  readonly action: string;
}

const RETRY_LATER = 'Réessayer plus tard';
const REMOVE_RECIPIENT = 'Supprimer ce destinataire de votre application';
const CLIENT_DISCRETION = 'À la discrétion du client';

export const RECEIPT_CODES: readonly ReceiptCode[] = [
  {
    state: 'DELIVERED',
    code: '000',
    name: 'LIVRÉ',
    description:
      "Un de: - Le statut LIVRÉ reçu de l'opérateur - Facturation réussie reçu du système de facturation",
    action: 'Considérer le message livré et facturé',
  },
  {
    state: 'ACCEPTED',
    code: '000',
    name: 'ACCEPTÉ',
    description:
      "Un de: - Le statut ACCEPTÉ reçu de l'opérateur - Message envoyé à l'opérateur qui ne supporte pas les notifications de livraison",
    action: 'Vous ne recevrez pas un statut plus détaillé. Le message est probablement livré.',
  },
  {
    state: 'EXPIRED',
    code: '101',
    name: 'Nombre de Tentatives Épuisées',
    description:
      "Impossible d'envoyer un message après une nouvelle tentative pour le de fois spécifiée de l'opérateur.",
    action: RETRY_LATER,
  },
  {
    state: 'EXPIRED',
    code: '102',
    name: 'Période de Validité Expiré',
    description: 'Période de validité a expiré',
    action: RETRY_LATER,
  },
  {
    state: 'EXPIRED',
    code: '103',
    name: "Arrêtée d'Attendre une Notification",
    description: "Arrêtée d'attendre une notification du système de l'opérateur ou de facturation",
    action: CLIENT_DISCRETION,
  },
  {
    state: 'UNDELIVERABLE',
    code: '104',
    name: 'Erreur de Configuration',
    description: 'Erreur de configuration interne VuduMobile',
    action: 'Contact VuduMobile',
  },
  {
    state: 'UNDELIVERABLE',
    code: '105',
    name: 'Erreur de Système',
    description: 'Erreur de système VuduMobile',
    action: 'Contact VuduMobile',
  },
  {
    state: 'UNDELIVERABLE',
    code: '200',
    name: 'Service non permis',
    description: 'Le destinataire ne peut pas recevoir de message de ce service (ex: bloqué adulte)',
    action: REMOVE_RECIPIENT,
  },
  {
    state: 'UNDELIVERABLE',
    code: '201',
    name: 'Compte fermé',
    description: 'Le compte du destinataire est fermé',
    action: REMOVE_RECIPIENT,
  },
  {
    state: 'UNDELIVERABLE',
    code: '202',
    name: 'Non Facturable',
    description: "Le destinataire n'est pas facturable (ex.: mode prépayé)",
    action: REMOVE_RECIPIENT,
  },
  {
    state: 'UNDELIVERABLE',
    code: '203',
    name: 'Temporairement Non Facturable',
    description: 'Le destinataire est temporairement pas facturable (ex.: manque de crédits)',
    action: RETRY_LATER,
  },
  {
    state: 'UNDELIVERABLE',
    code: '204',
    name: 'Compte bloqué',
    description: 'Compte du destinataire est verrouillé',
    action: 'Le destinataire devrait probablement être supprimé de votre application.',
  },
  {
    state: 'UNDELIVERABLE',
    code: '205',
    name: 'Limite de dépenses atteint',
    description: 'Limite de dépenses du destinataire atteint',
    action: "Cessez d'envoyer des messages à ce destinataire jusqu'à la prochaine période de facturation",
  },
  {
    state: 'UNDELIVERABLE',
    code: '206',
    name: 'Erreur de système de facturation',
    description: 'Erreur de système de facturation',
    action: CLIENT_DISCRETION,
  },
  {
    state: 'UNDELIVERABLE',
    code: '250',
    name: 'Abonnement Existe Déjà',
    description:
      "Tentative d'abonnement a échoué car ce numéro de téléphone mobile est déjà abonné à ce service. Soit vous avez envoyé une demande d'abonnement en double, ou l'abonné tente de vous inscrire à plus d'un abonnement en même temps sur le même service.",
    action:
      "Vous avez envoyé une demande d'abonnement au lieu d'une demande de renouvellement. Si cela n'est le cas, et croyez que cette notification n'est pas normal, contacter VuduMobile.",
  },
  {
    state: 'UNDELIVERABLE',
    code: '251',
    name: "Abonnement n'Existe Pas",
    description: "Renouvellement d'abonnement tentatif sur un utilisateur qui n'a pas souscrit à ce service.",
    action:
      "Vous devriez vérifier si vous avez fait parvenir une tentative d'abonnement réussie pour cet utilisateur.",
  },
  {
    state: 'UNDELIVERABLE',
    code: '252',
    name: 'Abonnement Inactif',
    description: "Renouvellement tentative d'abonnement sur un utilisateur qui est plus actif.",
    action:
      'Vous devez supprimer cet utilisateur de votre base de données, et vous devez vérifier que vous gérez les annulations et les remboursements correctement.',
  },
  {
    state: 'UNDELIVERABLE',
    code: '253',
    name: 'Facturation Précédente En Cours',
    description: 'Abonnement antérieure ou demande de renouvellement en cours de traitement.',
    action: 'Contact VuduMobile',
  },
  {
    state: 'UNDELIVERABLE',
    code: '254',
    name: 'Duplicata de Demande de Renouvellement',
    description:
      'Vous essayez peut-être de renouveler une seconde fois pour le mois en cours ou avant la date anniversaire du mois en cours.',
    action: 'Validez votre logique de renouvellement.',
  },
  {
    state: 'UNDELIVERABLE',
    code: '259',
    name: "Erreur d'Abonnement Divers",
    description: "Divers erreurs de demande d'abonnement ou de renouvellement",
    action:
      "Vous pouvez retenter cet abonnement ou renouveler le lendemain, jusqu'à 3 jours. Si vous obtenez toujours cette erreur, contactez VuduMobile.",
  },
  {
    state: 'UNDELIVERABLE',
    code: '300',
    name: 'Non livrable',
    description:
      'Impossible de remettre un message au combiné. Combiné peut être mis hors tension, hors de portée, ou le message SMS boîte de réception peut être pleine. Certains transporteurs utilisent également cette erreur comme une erreur d\'échec "générique".',
    action: CLIENT_DISCRETION,
  },
  {
    state: 'UNDELIVERABLE',
    code: '301',
    name: 'Longueur du Message Invalide',
    description: "Longueur du Message Invalide reçu pendant l'envoi du message à l'opérateur",
    action: 'Corriger la longueur du message (pas tous les opérateurs prennent en charge 160 caractères)',
  },
  {
    state: 'UNDELIVERABLE',
    code: '302',
    name: 'Numéro Source Invalide',
    description: "Numéro Source Invalide reçu pendant l'envoi du message à l'opérateur",
    action: 'Changer le numéro source ou contactez VuduMobile',
  },
  {
    state: 'UNDELIVERABLE',
    code: '303',
    name: 'Numéro de Destination Invalide',
    description: "Numéro de Destination Invalide reçu pendant l'envoi du message à l'opérateur",
    action: REMOVE_RECIPIENT,
  },
  {
    state: 'UNDELIVERABLE',
    code: '304',
    name: 'Adresse de Destination Blacklisté',
    description: "L'adresse de destination est sur liste noire de l'opérateur",
    action: REMOVE_RECIPIENT,
  },
  {
    state: 'UNDELIVERABLE',
    code: '305',
    name: 'Échec message Livraison',
    description: "L'opérateur n'a pas été en mesure de livrer le message",
    action: RETRY_LATER,
  },
  {
    state: 'EXPIRED',
    code: '306',
    name: 'EXPIRÉ',
    description: "Statut EXPIRED reçu de l'opérateur",
    action: CLIENT_DISCRETION,
  },
  {
    state: 'UNDELIVERABLE',
    code: '307',
    name: "Erreur de Système de l'Opérateur",
    description: "Erreur de Système de l'Opérateur",
    action: CLIENT_DISCRETION,
  },
  {
    state: 'UNKNOWN',
    code: '399',
    name: 'INCONNU',
    description: "Statut UNKNOWN reçu de l'opérateur",
    action: CLIENT_DISCRETION,
  },
];

/** The receipt's `stat:` values the source documents (its first table), and what each means. */
export const RECEIPT_STATS: Readonly<Record<string, { state: ReceiptState; description: string }>> = {
  DELIVRD: {
    state: 'DELIVERED',
    description: 'Nous avons eu la confirmation que le message a été livré au mobile.',
  },
  EXPIRED: { state: 'EXPIRED', description: 'Aucune notification de livraison reçue dans le temps permis.' },
  UNDELIV: { state: 'UNDELIVERABLE', description: "Le message n'a pas été remis au mobile." },
  ACCEPTD: {
    state: 'ACCEPTED',
    description:
      'Notification de livraison positive, mais pas aussi précis que DELIVERED. Ce statut est généralement envoyé lorsque le message est envoyé avec succès à un itinéraire de destination qui ne supporte pas les notifications de livraison.',
  },
  UNKNOWN: {
    state: 'UNKNOWN',
    description:
      'Notification de livraison inconnue reçue de la destination itinéraire. Devrait généralement être traitée comme une notification négative de livraison.',
  },
};

/** Codes whose suggested action is to remove the recipient: the number goes on the suppression list. */
export const SUPPRESS_CODES: ReadonlySet<string> = new Set(
  RECEIPT_CODES.filter((c) => c.action === REMOVE_RECIPIENT).map((c) => c.code),
);

/** Codes whose suggested action is "Réessayer plus tard": the message may be sent again later. */
export const RETRY_CODES: ReadonlySet<string> = new Set(
  RECEIPT_CODES.filter((c) => c.action === RETRY_LATER).map((c) => c.code),
);

export function findReceiptCode(state: ReceiptState, code: string): ReceiptCode | undefined {
  return RECEIPT_CODES.find((c) => c.state === state && c.code === code);
}

/** What a receipt means for the message: final success, final failure, or an intermediate state. */
export type ReceiptOutcome = 'delivered' | 'failed' | 'pending';

export function receiptOutcome(stat: string): ReceiptOutcome {
  switch (stat.toUpperCase()) {
    case 'DELIVRD':
    case 'ACCEPTD':
      return 'delivered';
    case 'EXPIRED':
    case 'UNDELIV':
    case 'UNKNOWN':
    case 'REJECTD':
    case 'DELETED':
      return 'failed';
    default:
      return 'pending'; // ENROUTE and carrier-specific intermediate states
  }
}

/** `err:` as the feed writes it: three digits (SMPP receipts carry it as text, sometimes unpadded). */
export function normaliseErrCode(err: string): string {
  const digits = err.trim();
  return /^\d{1,3}$/.test(digits) ? digits.padStart(3, '0') : digits.slice(0, 10) || '000';
}

/** The feed's detailed status: `DELIVRD_000`, `UNDELIV_300`… */
export function detailedStatus(stat: string, err: string): string {
  return `${stat.trim().toUpperCase()}_${normaliseErrCode(err)}`;
}
