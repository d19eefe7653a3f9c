import { hasEmailText, hasSmsText } from './broadcast-render.js';
import type { BroadcastTexts } from './broadcasts.js';

/**
 * Who a broadcast goes to, decided at its start (the snapshot the fan-out then reads, so contacts
 * edited or deleted later change nothing):
 * - the contacts of the targeted groups, each once; Tous means every contact of the account;
 *   Blocked contributes nobody (its members are exactly the blocked contacts);
 * - a blocked contact is never a recipient, whatever group names it;
 * - a recipient gets an SMS when the broadcast has an SMS text and its number is not on the
 *   account's suppression list; an email when the broadcast has an email text and it has an address;
 * - a contact left with nothing to receive is not a recipient.
 * The language of each message is chosen at fan-out (broadcast-render.ts: the contact's own, else
 * the other). The store turns a RecipientSelection into one set-based statement per chunk of
 * contacts, which applies the per-contact conditions above.
 */

/** A targeted group as the start reads it: `all` is Tous, `blocked` is Blocked, null a user's group. */
export interface TargetGroup {
  readonly id: number;
  readonly systemKind: string | null;
}

export interface RecipientSelection {
  /** Tous is targeted: every contact of the account (not blocked). */
  readonly everyone: boolean;
  /** Otherwise: the (not blocked) members of these groups. */
  readonly memberOf: readonly number[];
  /** Recipients get an SMS (to a number not suppressed). */
  readonly withSms: boolean;
  /** Recipients get an email (to their address). */
  readonly withEmail: boolean;
}

/** The selection for these groups and texts; null when no group can contribute anyone. */
export function selectRecipients(
  groups: readonly TargetGroup[],
  texts: BroadcastTexts,
): RecipientSelection | null {
  const everyone = groups.some((g) => g.systemKind === 'all');
  const memberOf = groups.filter((g) => g.systemKind === null).map((g) => g.id);
  if (!everyone && memberOf.length === 0) return null;
  return { everyone, memberOf, withSms: hasSmsText(texts), withEmail: hasEmailText(texts) };
}

/**
 * What a start that counted its recipients becomes: started; with nobody to send to, a scheduled
 * start records the broadcast failed, start_broadcast is refused and leaves it pending (the user
 * may add contacts and start it again).
 */
export type StartVerdict = 'start' | 'fail' | 'refuse';

export function startVerdict(recipients: number, scheduled: boolean): StartVerdict {
  if (recipients > 0) return 'start';
  return scheduled ? 'fail' : 'refuse';
}
