import type { Kysely, Transaction } from 'kysely';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import type {
  CallOutcome,
  ClaimedCall,
  NewVerification,
  StoredVerification,
  VerificationOutcome,
  VerificationStore,
} from '../../domain/ports/verification-store.js';
import { listSenders } from '../accounts/accounts-repo.js';
import type { Store } from '../database.js';
import { insertQueuedMessage } from '../messages/messages-repo.js';
import type { ClaimOptions } from '../queue/leased-queue.js';
import type { Database } from '../schema.js';
import { fromStoreTransaction } from '../transaction.js';
import {
  claimDueCalls,
  markCallAnswered,
  recordCall,
  releaseExpiredCalls,
  renewCallLease,
} from './call-queue-repo.js';

const HOUR = 60 * 60 * 1000;

export async function isKnownLandline(db: Kysely<Database>, number: string): Promise<boolean> {
  const row = await db
    .selectFrom('landlines')
    .select('number')
    .where('number', '=', number)
    .executeTakeFirst();
  return row !== undefined;
}

export async function rememberLandlines(
  db: Kysely<Database>,
  numbers: readonly string[],
  reason: string,
  now: number,
): Promise<void> {
  const unique = [...new Set(numbers)];
  if (unique.length === 0) return;
  await db
    .insertInto('landlines')
    .values(unique.map((number) => ({ number, reason, created_at: now })))
    .onConflict((oc) => oc.column('number').doNothing())
    .execute();
}

/**
 * Records a verification and queues its SMS (or its call) in one transaction, after the checks
 * that must see the committed state: the request_id is new for the account, and the number and
 * the key are under their hourly limits (SMS pumping protection).
 */
export async function createVerification(
  db: Kysely<Database>,
  input: NewVerification,
): Promise<VerificationOutcome> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('verifications')
      .select('id')
      .where('account_id', '=', input.accountId)
      .where('request_id', '=', input.requestId)
      .executeTakeFirst();
    if (existing) return 'request_id_used';
    const since = input.createdAt - HOUR;
    if ((await countSince(trx, 'to_number', input.to, since)) >= input.limits.perNumber)
      return 'rate_limited';
    if ((await countSince(trx, 'key_id', input.keyId, since)) >= input.limits.perKey) return 'rate_limited';
    let messageId: number | null = null;
    if (input.sms) {
      messageId = await insertQueuedMessage(trx, {
        accountId: input.accountId,
        from: input.sms.from,
        to: input.to,
        body: input.sms.body,
        partCount: input.sms.partCount,
        encoding: input.sms.encoding,
        contactId: null,
        priority: 0,
        acceptedAt: input.createdAt,
      });
    }
    await trx
      .insertInto('verifications')
      .values({
        account_id: input.accountId,
        key_id: input.keyId,
        request_id: input.requestId,
        to_number: input.to,
        language: input.language,
        channel: input.sms ? 'sms' : 'voice',
        message_id: messageId,
        call_id: null,
        status: input.sms ? 'sms' : 'call_queued',
        created_at: input.createdAt,
        code: input.code,
        fallback: input.sms?.fallback ? 1 : 0,
        attempts: 0,
        next_attempt_at: input.createdAt,
        lease_until: null,
        error: null,
        expires_at: input.expiresAt,
        check_attempts: 0,
      })
      .execute();
    return 'created';
  });
}

async function countSince(
  trx: Transaction<Database>,
  column: 'to_number' | 'key_id',
  value: string | number,
  since: number,
): Promise<number> {
  const row = await trx
    .selectFrom('verifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', value)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Verifications, landlines and the call queue (domain/ports/verification-store.ts) on the store's database. */
export class VerificationRepo implements VerificationStore {
  constructor(private readonly store: Store) {}

  isKnownLandline(number: string): Promise<boolean> {
    return isKnownLandline(this.store.db, number);
  }

  senderNumbers(accountId: number): Promise<string[]> {
    return listSenders(this.store.db, accountId);
  }

  createVerification(input: NewVerification): Promise<VerificationOutcome> {
    return createVerification(this.store.db, input);
  }

  async switchToVoice(
    tx: StoreTransaction,
    messageIds: readonly number[],
    now: number,
    createdSince: number,
  ): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const rows = await fromStoreTransaction(tx)
      .updateTable('verifications')
      .set({ status: 'call_queued', channel: 'voice', next_attempt_at: now })
      .where('message_id', 'in', messageIds)
      .where('status', '=', 'sms')
      .where('fallback', '=', 1)
      .where('created_at', '>=', createdSince)
      .returning('to_number')
      .execute();
    return rows.map((r) => r.to_number);
  }

  rememberLandlines(
    tx: StoreTransaction,
    numbers: readonly string[],
    reason: string,
    now: number,
  ): Promise<void> {
    return rememberLandlines(fromStoreTransaction(tx), numbers, reason, now);
  }

  claimDueCalls(options: ClaimOptions): Promise<ClaimedCall[]> {
    return claimDueCalls(this.store, options);
  }

  renewCallLease(id: number, lease: { readonly from: number; readonly to: number }): Promise<boolean> {
    return renewCallLease(this.store.db, id, lease);
  }

  markCallAnswered(id: number, callId: string, at: number, lease: number): Promise<boolean> {
    return markCallAnswered(this.store.db, id, callId, at, lease);
  }

  recordCall(id: number, outcome: CallOutcome, lease: number): Promise<void> {
    return recordCall(this.store.db, id, outcome, lease);
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return releaseExpiredCalls(this.store.db, now);
  }

  async findVerification(accountId: number, requestId: string): Promise<StoredVerification | undefined> {
    const row = await this.store.db
      .selectFrom('verifications')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      requestId: row.request_id,
      to: row.to_number,
      channel: row.channel === 'sms' ? 'sms' : 'voice',
      language: row.language,
      deliveryStatus: row.status,
      code: row.code,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      checkAttempts: row.check_attempts,
      verifiedAt: row.verified_at === null ? null : Number(row.verified_at),
      callAttempts: row.attempts,
      answeredAt: row.answered_at === null ? null : Number(row.answered_at),
      callOutcome: row.call_outcome,
      sipCode: row.sip_code,
      callDurationMs: row.call_duration_ms === null ? null : Number(row.call_duration_ms),
      error: row.error,
    };
  }

  async countCheckAttempt(id: number, maxAttempts: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('verifications')
      .set((eb) => ({ check_attempts: eb('check_attempts', '+', 1) }))
      .where('id', '=', id)
      .where('check_attempts', '<', maxAttempts)
      .where('verified_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async markVerified(id: number, at: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('verifications')
      .set({ verified_at: at })
      .where('id', '=', id)
      .where('verified_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
