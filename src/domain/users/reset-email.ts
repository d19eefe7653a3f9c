import type { UiLanguage } from './users.js';

/** The "forgot password" email, in the user's language: plain text, the link on a line of its own. */
export interface ResetEmail {
  readonly subject: string;
  readonly text: string;
}

export interface ResetEmailFacts {
  readonly name: string;
  readonly email: string;
  readonly accountName: string;
  readonly link: string;
}

const TEXTS: Readonly<Record<UiLanguage, (facts: ResetEmailFacts) => ResetEmail>> = {
  fr: ({ name, email, accountName, link }) => ({
    subject: 'Réinitialisation de votre mot de passe VuduMobile',
    text: [
      `Bonjour ${name || email},`,
      '',
      `Quelqu'un (probablement vous) a demandé de réinitialiser le mot de passe de ${email} pour le compte VuduMobile « ${accountName} ».`,
      '',
      "Pour choisir un nouveau mot de passe, ouvrez ce lien d'ici une heure :",
      link,
      '',
      "Ce lien ne fonctionne qu'une seule fois. Si vous n'avez rien demandé, ignorez ce courriel : votre mot de passe reste le même.",
    ].join('\n'),
  }),
  en: ({ name, email, accountName, link }) => ({
    subject: 'Reset your VuduMobile password',
    text: [
      `Hello ${name || email},`,
      '',
      `Someone (probably you) asked to reset the password of ${email} for the VuduMobile account “${accountName}”.`,
      '',
      'To choose a new password, open this link within one hour:',
      link,
      '',
      'The link works only once. If you did not ask for this, ignore this email: your password stays the same.',
    ].join('\n'),
  }),
};

export function renderResetEmail(language: UiLanguage, facts: ResetEmailFacts): ResetEmail {
  return TEXTS[language](facts);
}
