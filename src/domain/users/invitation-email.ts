import type { UiLanguage } from './users.js';

/** The invitation email, in the invited person's language: plain text, the link on a line of its own. */
export interface InvitationEmail {
  readonly subject: string;
  readonly text: string;
}

export interface InvitationEmailFacts {
  readonly name: string;
  readonly email: string;
  readonly accountName: string;
  /** Who sent the invitation (their name, or their email); empty when unknown. */
  readonly invitedBy: string;
  readonly link: string;
  /** How many days the link works. */
  readonly days: number;
}

const TEXTS: Readonly<Record<UiLanguage, (facts: InvitationEmailFacts) => InvitationEmail>> = {
  fr: ({ name, email, accountName, invitedBy, link, days }) => ({
    subject: `Invitation au compte VuduMobile « ${accountName} »`,
    text: [
      `Bonjour ${name || email},`,
      '',
      invitedBy
        ? `${invitedBy} vous invite à utiliser la plateforme VuduMobile du compte « ${accountName} ».`
        : `Vous êtes invité à utiliser la plateforme VuduMobile du compte « ${accountName} ».`,
      '',
      `Pour choisir votre mot de passe, ouvrez ce lien d'ici ${days} jours :`,
      link,
      '',
      `Vous vous connecterez ensuite avec votre courriel, ${email}.`,
      "Ce lien ne fonctionne qu'une seule fois. Si vous ne vous attendiez pas à cette invitation, ignorez ce courriel.",
    ].join('\n'),
  }),
  en: ({ name, email, accountName, invitedBy, link, days }) => ({
    subject: `Invitation to the VuduMobile account “${accountName}”`,
    text: [
      `Hello ${name || email},`,
      '',
      invitedBy
        ? `${invitedBy} invites you to use the VuduMobile platform of the account “${accountName}”.`
        : `You are invited to use the VuduMobile platform of the account “${accountName}”.`,
      '',
      `To choose your password, open this link within ${days} days:`,
      link,
      '',
      `You will then sign in with your email, ${email}.`,
      'The link works only once. If you were not expecting this invitation, ignore this email.',
    ].join('\n'),
  }),
};

export function renderInvitationEmail(language: UiLanguage, facts: InvitationEmailFacts): InvitationEmail {
  return TEXTS[language](facts);
}
