import type { BroadcastTexts, QueuedEmail, QueuedSms, RecipientContact } from './broadcasts.js';
import { messageTooLong } from '../errors.js';
import { MAX_PARTS, segmentMessage } from '../sms/segments.js';

/**
 * Rendering a broadcast for one recipient (contract §7), pure.
 *
 * - Merge fields `_NAME_`, `_EMAIL_`, `_NUMBER_`, `_NOTES_` (the description) take the contact's
 *   values; an empty value renders as nothing. Replacement is a single pass, so a value that itself
 *   contains `_NAME_` is written as is, never expanded again.
 * - Language: the contact's own text, else the other language's.
 * - SMS over MAX_PARTS parts after merging: that recipient's message is stored as failed with the
 *   reason of send's `message_too_long` refusal; it counts in number_failed and never reaches
 *   the carrier. (post_broadcast already refuses a text that is too long before merging.)
 * - Email: subject and text in the contact's language (the subject falls back to the broadcast's
 *   name when neither language has one); the stored body is the text HTML-escaped, line breaks as
 *   `<br>`, so merged values can never inject markup; the dispatcher derives the plain-text part.
 */

const MERGE_FIELD = /_(NAME|EMAIL|NUMBER|NOTES)_/g;

/** The failure stored with an SMS too long after merging: send's own refusal (message_too_long). */
const TOO_LONG_REASON = messageTooLong().message;

export function mergeFields(template: string, contact: RecipientContact): string {
  return template.replace(MERGE_FIELD, (_match, field: string) => {
    switch (field) {
      case 'NAME':
        return contact.name;
      // The contact's own values: an SMS-only broadcast still writes the address, an email the number.
      case 'EMAIL':
        return contact.contactEmail ?? '';
      case 'NUMBER':
        return contact.contactNumber ?? '';
      default:
        return contact.description;
    }
  });
}

/** The text in `language`, else in the other language; null when neither is set. */
export function pickLanguage(language: string, fr: string | null, en: string | null): string | null {
  return language === 'en' ? (en ?? fr) : (fr ?? en);
}

export function hasSmsText(texts: BroadcastTexts): boolean {
  return texts.frMessage !== null || texts.enMessage !== null;
}

export function hasEmailText(texts: BroadcastTexts): boolean {
  return texts.frEmail !== null || texts.enEmail !== null;
}

/** The SMS for this recipient, or null when it gets none (no number or no SMS text). */
export function renderSms(texts: BroadcastTexts, contact: RecipientContact): QueuedSms | null {
  if (contact.number === null) return null;
  const template = pickLanguage(contact.language, texts.frMessage, texts.enMessage);
  if (template === null) return null;
  const body = mergeFields(template, contact);
  const segmented = segmentMessage(body);
  const partCount = segmented.parts.length;
  return {
    contactId: contact.contactId,
    to: contact.number,
    body,
    partCount,
    encoding: segmented.encoding,
    failure: partCount > MAX_PARTS ? TOO_LONG_REASON : null,
  };
}

/** The email for this recipient, or null when it gets none (no address or no email text). */
export function renderEmail(
  texts: BroadcastTexts,
  contact: RecipientContact,
  broadcastName: string,
): QueuedEmail | null {
  if (contact.email === null) return null;
  const template = pickLanguage(contact.language, texts.frEmail, texts.enEmail);
  if (template === null) return null;
  const subject = pickLanguage(contact.language, texts.frSubject, texts.enSubject) ?? broadcastName;
  return {
    contactId: contact.contactId,
    to: contact.email,
    subject: mergeFields(subject, contact).replace(/[\r\n]+/g, ' '),
    html: textToHtml(mergeFields(template, contact)),
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Plain text as HTML: escaped, each line break kept as `<br>`. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>\n');
}

/**
 * Whether a text is too long even before merging (merge fields counted as empty): such a broadcast
 * is refused at post_broadcast instead of failing for every recipient.
 */
export function exceedsMaxParts(template: string): boolean {
  return segmentMessage(template.replace(MERGE_FIELD, '')).parts.length > MAX_PARTS;
}
