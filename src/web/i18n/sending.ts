import type { Catalog } from './catalog.js';

/** The single send page (« Nouveau message »). */
export const fr = {
  'send.title': 'Nouveau message',
  'send.intro': 'Un SMS à un seul numéro, envoyé comme l’envoie l’API (« send »).',
  'send.to': 'Numéro de téléphone',
  'send.toHint': 'Par exemple 514 555-0123; les numéros d’autres pays en format international (+33…).',
  'send.message': 'Message',
  'send.submit': 'Envoyer',
  'send.sent': 'Message no {id} accepté : {parts}, {encoding}. Il part en arrière-plan.',
  'send.another': 'Écrire un autre message',
} as const;

export const en: Catalog<typeof fr> = {
  'send.title': 'New message',
  'send.intro': 'One SMS to one number, sent as the API’s “send” sends it.',
  'send.to': 'Phone number',
  'send.toHint': 'For example 514 555-0123; other countries’ numbers in international form (+33…).',
  'send.message': 'Message',
  'send.submit': 'Send',
  'send.sent': 'Message #{id} accepted: {parts}, {encoding}. It goes out in the background.',
  'send.another': 'Write another message',
};
