import { normalisePhone } from '../common/phone.js';
import { broadcastNotFound, groupNotFound, namedContactNotFound } from '../errors.js';
import type { BroadcastReach, BroadcastReportStore } from '../ports/broadcast-report-store.js';
import type { BroadcastStore } from '../ports/broadcast-store.js';
import { MAX_PARTS, segmentMessage } from '../sms/segments.js';
import { normaliseSmsText } from '../sms/sms-advice.js';
import type { SmsEncoding } from '../ports/transports.js';
import { withCaslFooter } from '../consent/casl-footer.js';
import { pickLanguage, renderEmail, renderSms } from './broadcast-render.js';
import { selectRecipients } from './broadcast-recipients.js';
import {
  parseBroadcastId,
  type Broadcast,
  type BroadcastTexts,
  type ContactLookup,
  type QueuedEmail,
  type QueuedSms,
  type TestContact,
} from './broadcasts.js';

/**
 * What a person reviews before a broadcast goes out (the web pages' needs beyond §7): who it will
 * reach, counted by the start's own selection (blocked and suppressed excluded as the start
 * excludes them), what it will cost in parts per language, and the text one chosen contact gets.
 */

/** The recipients of one language and what their SMS costs. */
export interface LanguageCost {
  readonly recipients: number;
  /** Which text they get: their own language's, else the other one (null: none, no SMS text). */
  readonly text: 'fr' | 'en' | null;
  /** Parts of that text, merge fields counted empty (each recipient's values add to it). */
  readonly partsEach: number;
  readonly encoding: SmsEncoding | null;
  readonly parts: number;
}

export interface ReachReview {
  readonly reach: BroadcastReach;
  readonly fr: LanguageCost;
  readonly en: LanguageCost;
  readonly smsTotal: number;
  readonly partsTotal: number;
}

const MERGE_FIELD = /_(NAME|EMAIL|NUMBER|NOTES)_/g;

/** A template before merging (merge fields empty): the least each recipient costs, and its encoding. */
export function templateCost(template: string): { parts: number; encoding: SmsEncoding } {
  const segmented = segmentMessage(normaliseSmsText(template).replace(MERGE_FIELD, ''));
  return { parts: Math.min(segmented.parts.length, MAX_PARTS), encoding: segmented.encoding };
}

function languageCost(language: 'fr' | 'en', recipients: number, texts: BroadcastTexts): LanguageCost {
  const own = language === 'fr' ? texts.frMessage : texts.enMessage;
  const template = pickLanguage(language, texts.frMessage, texts.enMessage);
  const text = template === null ? null : own !== null ? language : language === 'fr' ? 'en' : 'fr';
  const cost = template === null ? null : templateCost(template);
  const partsEach = cost?.parts ?? 0;
  return { recipients, text, partsEach, encoding: cost?.encoding ?? null, parts: partsEach * recipients };
}

/** The cost of a reach with these texts. */
export function reviewReach(reach: BroadcastReach, texts: BroadcastTexts): ReachReview {
  const fr = languageCost('fr', reach.smsFr, texts);
  const en = languageCost('en', reach.smsEn, texts);
  return { reach, fr, en, smsTotal: reach.smsFr + reach.smsEn, partsTotal: fr.parts + en.parts };
}

const NOBODY: BroadcastReach = { smsFr: 0, smsEn: 0, email: 0 };

/** Who groups reach for a broadcast with an SMS and an email text (the editor's live count). */
export async function reachOfGroups(
  reports: BroadcastReportStore,
  accountId: number,
  groupIds: readonly number[],
): Promise<BroadcastReach> {
  const groups = await reports.groupTargets(accountId, groupIds);
  if (!groups) throw groupNotFound();
  const selection = selectRecipients(groups, {
    frMessage: '',
    enMessage: null,
    frSubject: null,
    enSubject: null,
    frEmail: '',
    enEmail: null,
  });
  return selection ? reports.countReach(accountId, selection) : NOBODY;
}

/** Who a pending broadcast would reach if it started now, and the cost. */
export async function reviewBroadcast(
  reports: BroadcastReportStore,
  broadcast: Broadcast,
): Promise<ReachReview> {
  const groups = await reports.broadcastTargets(broadcast.accountId, broadcast.id);
  const selection = selectRecipients(groups, broadcast.texts);
  const reach = selection ? await reports.countReach(broadcast.accountId, selection) : NOBODY;
  // The parts shown are those sent: with the CASL footer a commercial broadcast ends with.
  const footer = await reports.caslFooter(broadcast.accountId);
  return reviewReach(reach, withCaslFooter(broadcast.texts, footer, broadcast.commercial ?? true));
}

/** A `contact` reference: an email, a phone number, or an id (a number that matches no one). */
export function contactLookups(raw: string, defaultCountry: string): ContactLookup[] {
  const value = raw.trim();
  if (value.includes('@')) return [{ email: value.toLowerCase() }];
  const lookups: ContactLookup[] = [];
  const number = normalisePhone(value, defaultCountry);
  if (number) lookups.push({ number });
  const id = parseBroadcastId(value);
  if (id !== undefined) lookups.push({ id });
  return lookups;
}

/** The contact a reference names in the account (test_broadcast's lookup); contact not found else. */
export async function findNamedContact(
  store: BroadcastStore,
  account: { readonly id: number; readonly defaultCountry: string },
  raw: string,
): Promise<TestContact> {
  for (const lookup of contactLookups(raw, account.defaultCountry)) {
    const contact = await store.findContact(account.id, lookup);
    if (contact) return contact;
  }
  throw namedContactNotFound();
}

export interface BroadcastPreview {
  readonly contact: TestContact;
  /** What the contact would get now: its SMS (null: none) and email (null: none). */
  readonly sms: QueuedSms | null;
  readonly email: QueuedEmail | null;
}

/** The broadcast rendered for one contact, as the fan-out (and test_broadcast) renders it. */
export async function previewBroadcast(
  store: BroadcastStore,
  account: { readonly id: number; readonly defaultCountry: string },
  broadcast: Broadcast,
  rawContact: string,
): Promise<BroadcastPreview> {
  if (broadcast.accountId !== account.id) throw broadcastNotFound();
  const contact = await findNamedContact(store, account, rawContact);
  const recipient = contact.isSuppressed ? { ...contact, number: null } : contact;
  return {
    contact,
    sms: contact.isBlocked ? null : renderSms(broadcast.texts, recipient),
    email: contact.isBlocked ? null : renderEmail(broadcast.texts, recipient, broadcast.name),
  };
}
