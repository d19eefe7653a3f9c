import type { Catalog } from './catalog.js';

/** The broadcast pages (envois massifs): list, draft editor, preview, confirmation, live page. */
export const fr = {
  'nav.broadcasts': 'Envois massifs',
} as const;

export const en: Catalog<typeof fr> = {
  'nav.broadcasts': 'Broadcasts',
};
