import type { Transaction } from 'kysely';
import type { Language } from '../../domain/contacts/address-book.js';
import type { OptedOutContact, OptOutContact, OptOutSubject } from '../../domain/ports/inbound-store.js';
import { appendSuppressionHistory } from '../consent/suppressions-repo.js';
import type { Database } from '../schema.js';

export const OPT_OUT_REASON = 'opt-out';

type Trx = Transaction<Database>;

/**
 * STOP: the number goes on the account's suppression list (so it stays refused even if the contact
 * is deleted or re-imported later) and its contact is blocked — created, blocked, when the account
 * had none, so the address book shows who opted out. Returns the contact and the broadcasts whose
 * queued messages to it were cancelled (the caller completes those left with nothing to wait for).
 */
export async function optOut(
  trx: Trx,
  subject: OptOutSubject & { readonly language: Language },
): Promise<OptedOutContact> {
  await trx
    .insertInto('suppressions')
    .values({
      account_id: subject.accountId,
      number: subject.number,
      reason: OPT_OUT_REASON,
      created_at: subject.now,
    })
    .onConflict((oc) =>
      oc.columns(['account_id', 'number']).doUpdateSet({ reason: OPT_OUT_REASON, created_at: subject.now }),
    )
    .execute();
  await appendSuppressionHistory(trx, [keywordChange(subject, 'suppressed')]);
  const existing = await trx
    .updateTable('contacts')
    .set({ is_blocked: 1 })
    .where('account_id', '=', subject.accountId)
    .where('number', '=', subject.number)
    .returning(['id', 'language'])
    .executeTakeFirst();
  if (existing) {
    const cancelledBroadcastIds = await cancelQueuedBulk(trx, subject.accountId, existing.id, subject.now);
    return {
      contactId: existing.id,
      language: asLanguage(existing.language, subject.language),
      cancelledBroadcastIds,
    };
  }
  const created = await trx
    .insertInto('contacts')
    .values({
      account_id: subject.accountId,
      number: subject.number,
      email: null,
      name: '',
      description: 'Opted out by SMS',
      language: subject.language,
      user_id: 0,
      is_blocked: 1,
      created_at: subject.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { contactId: created.id, language: subject.language, cancelledBroadcastIds: [] };
}

/**
 * Broadcast messages to the contact still waiting in the queue (a paced broadcast) do not go out:
 * they end `cancelled`, as when their broadcast is deleted; returns their broadcasts. Found through (broadcast_id, contact_id) — a fan-out links each message to its
 * contact. Single sends already accepted are left alone: the account asked for each.
 */
async function cancelQueuedBulk(
  trx: Trx,
  accountId: number,
  contactId: number,
  now: number,
): Promise<number[]> {
  const cancelled = await trx
    .updateTable('messages')
    .set({ status: 'cancelled', error: 'recipient opted out', done_at: now })
    .where('broadcast_id', 'in', (eb) =>
      eb
        .selectFrom('broadcasts')
        .select('id')
        .where('account_id', '=', accountId)
        .where('status', '=', 'in_progress'),
    )
    .where('contact_id', '=', contactId)
    .where('status', '=', 'queued')
    .returning('broadcast_id')
    .execute();
  return [...new Set(cancelled.flatMap((row) => (row.broadcast_id === null ? [] : [row.broadcast_id])))];
}

/**
 * START: the number leaves the suppression list — whatever put it there, since a phone that writes
 * to us is reachable — and its contact, if any, is unblocked. Returns the contact, if any.
 */
export async function optIn(trx: Trx, subject: OptOutSubject): Promise<OptOutContact | undefined> {
  const lifted = await trx
    .deleteFrom('suppressions')
    .where('account_id', '=', subject.accountId)
    .where('number', '=', subject.number)
    .returning('number')
    .executeTakeFirst();
  if (lifted) await appendSuppressionHistory(trx, [keywordChange(subject, 'lifted')]);
  const contact = await trx
    .updateTable('contacts')
    .set({ is_blocked: 0 })
    .where('account_id', '=', subject.accountId)
    .where('number', '=', subject.number)
    .returning(['id', 'language'])
    .executeTakeFirst();
  return contact && { contactId: contact.id, language: asLanguage(contact.language, 'fr') };
}

/** A keyword's history row: the number that texted it is who acted, its text is why. */
function keywordChange(subject: OptOutSubject, action: 'suppressed' | 'lifted') {
  return {
    accountId: subject.accountId,
    number: subject.number,
    action,
    source: 'keyword',
    actor: subject.number,
    reason: subject.keyword ?? (action === 'suppressed' ? 'STOP' : 'START'),
    at: subject.now,
  } as const;
}

/** The account's default language, for answering a number it has no contact for. */
export async function accountLanguage(trx: Trx, accountId: number): Promise<Language> {
  const row = await trx
    .selectFrom('accounts')
    .select('default_language')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return asLanguage(row?.default_language, 'fr');
}

function asLanguage(value: string | undefined, fallback: Language): Language {
  return value === 'fr' || value === 'en' ? value : fallback;
}
