import type { Catalog, Language } from './catalog.js';
import * as common from './common.js';
import * as composer from './composer.js';
import * as sending from './sending.js';
import * as broadcasts from './broadcasts.js';
import * as contacts from './contacts.js';
import * as dashboard from './dashboard.js';
import * as developers from './developers.js';
import * as history from './history.js';
import * as imports from './imports.js';
import * as inbox from './inbox.js';
import * as settings from './settings.js';

/** Every UI string, by key, in French (the source). Areas add their catalogue here. */
const FR = {
  ...common.fr,
  ...contacts.fr,
  ...settings.fr,
  ...developers.fr,
  ...imports.fr,
  ...composer.fr,
  ...sending.fr,
  ...broadcasts.fr,
  ...history.fr,
  ...dashboard.fr,
  ...inbox.fr,
} as const;
export type MessageKey = keyof typeof FR;
const EN: Catalog<typeof FR> = {
  ...common.en,
  ...contacts.en,
  ...settings.en,
  ...developers.en,
  ...imports.en,
  ...composer.en,
  ...sending.en,
  ...broadcasts.en,
  ...history.en,
  ...dashboard.en,
  ...inbox.en,
};

export const MESSAGES: Readonly<Record<Language, Catalog<typeof FR>>> = { fr: FR, en: EN };
