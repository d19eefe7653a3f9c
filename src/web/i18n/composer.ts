import type { Catalog } from './catalog.js';

/**
 * The composer's strings: rendered by the pages and bundled into the composer script
 * (assets/web/composer.mjs), so the live counter speaks the page's language without a request.
 */
export const fr = {
  'composer.count': '{characters} caractères · {parts} · {encoding}',
  'composer.part': '{n} partie',
  'composer.parts': '{n} parties',
  'composer.causes': 'Ces caractères imposent l’encodage UCS-2 (70 caractères par partie au lieu de 160) :',
  'composer.cost': 'Coût : {parts} au lieu de {gsm}.',
  'composer.sameCost': 'Ce texte tient quand même en {parts}.',
  'composer.replace': 'Remplacer les caractères typographiques par leur équivalent GSM-7',
  'composer.replaceHint':
    'Les lettres comme « û » ou « ç » n’ont pas d’équivalent : elles restent telles quelles.',
  'composer.replaced': '{n} caractères remplacés : {encoding}, {parts}.',
  'composer.mergeFields': 'Insérer un champ de fusion',
  'composer.merge._NAME_': 'Nom',
  'composer.merge._EMAIL_': 'Courriel',
  'composer.merge._NUMBER_': 'Numéro',
  'composer.merge._NOTES_': 'Notes',
  'composer.space.U+00A0': 'espace insécable',
  'composer.space.U+202F': 'espace fine insécable',
  'composer.space.other': 'espace spéciale',
} as const;

export const en: Catalog<typeof fr> = {
  'composer.count': '{characters} characters · {parts} · {encoding}',
  'composer.part': '{n} part',
  'composer.parts': '{n} parts',
  'composer.causes': 'These characters force UCS-2 encoding (70 characters a part instead of 160):',
  'composer.cost': 'Cost: {parts} instead of {gsm}.',
  'composer.sameCost': 'This text still fits in {parts}.',
  'composer.replace': 'Replace the typographic characters with their GSM-7 equivalent',
  'composer.replaceHint': 'Letters such as “û” or “ç” have no equivalent: they stay as they are.',
  'composer.replaced': '{n} characters replaced: {encoding}, {parts}.',
  'composer.mergeFields': 'Insert a merge field',
  'composer.merge._NAME_': 'Name',
  'composer.merge._EMAIL_': 'Email',
  'composer.merge._NUMBER_': 'Number',
  'composer.merge._NOTES_': 'Notes',
  'composer.space.U+00A0': 'no-break space',
  'composer.space.U+202F': 'narrow no-break space',
  'composer.space.other': 'special space',
};
