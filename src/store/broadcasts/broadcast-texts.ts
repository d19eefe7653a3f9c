import type { BroadcastTexts } from '../../domain/broadcasts/broadcasts.js';

/** The six text columns of a broadcast row (French and English SMS, email subject, email body). */
export const TEXT_COLUMNS = [
  'fr_message',
  'en_message',
  'fr_subject',
  'en_subject',
  'fr_email',
  'en_email',
] as const;

type TextRow = { readonly [column in (typeof TEXT_COLUMNS)[number]]: string | null };

/** A broadcast's texts as the domain reads them, from its row. */
export function textsOf(row: TextRow): BroadcastTexts {
  return {
    frMessage: row.fr_message,
    enMessage: row.en_message,
    frSubject: row.fr_subject,
    enSubject: row.en_subject,
    frEmail: row.fr_email,
    enEmail: row.en_email,
  };
}

/** The row's text columns, from the domain's texts. */
export function textColumns(texts: BroadcastTexts) {
  return {
    fr_message: texts.frMessage,
    en_message: texts.enMessage,
    fr_subject: texts.frSubject,
    en_subject: texts.enSubject,
    fr_email: texts.frEmail,
    en_email: texts.enEmail,
  };
}
