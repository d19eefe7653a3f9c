import type { Kysely } from 'kysely';
import type { Language } from '../../domain/contacts/address-book.js';
import type { NewOutboundMessage } from '../../domain/messages/outbound.js';
import type {
  InboundStore,
  NewInboundMessage,
  OptedOutContact,
  OptOutContact,
  OptOutSubject,
  UnroutedSms,
} from '../../domain/ports/inbound-store.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import { findSenderAccount } from '../accounts/accounts-repo.js';
import type { Database } from '../schema.js';
import { fromStoreTransaction, toStoreTransaction, type Executor } from '../transaction.js';
import { inboundMessageRow } from './message-rows.js';
import { findContactIdByNumber, insertQueuedMessage } from './messages-repo.js';
import { accountLanguage, optIn, optOut } from './opt-out-repo.js';

export type { NewInboundMessage } from './message-rows.js';

/** The inbound service's store (domain/ports/inbound-store.ts) on Kysely. */
export class InboundRepo implements InboundStore {
  constructor(private readonly db: Kysely<Database>) {}

  accountOfSender(number: string): Promise<number | undefined> {
    return findSenderAccount(this.db, number);
  }

  keepUnrouted(sms: UnroutedSms): Promise<number> {
    return insertUnroutedInbound(this.db, sms);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(toStoreTransaction(trx)));
  }

  accountLanguage(tx: StoreTransaction, accountId: number): Promise<Language> {
    return accountLanguage(fromStoreTransaction(tx), accountId);
  }

  optOut(
    tx: StoreTransaction,
    subject: OptOutSubject & { readonly language: Language },
  ): Promise<OptedOutContact> {
    return optOut(fromStoreTransaction(tx), subject);
  }

  optIn(tx: StoreTransaction, subject: OptOutSubject): Promise<OptOutContact | undefined> {
    return optIn(fromStoreTransaction(tx), subject);
  }

  contactIdByNumber(tx: StoreTransaction, accountId: number, number: string): Promise<number | null> {
    return findContactIdByNumber(fromStoreTransaction(tx), accountId, number);
  }

  insertInbound(tx: StoreTransaction, sms: NewInboundMessage): Promise<number> {
    return insertInboundMessage(fromStoreTransaction(tx), sms);
  }

  queueMessage(tx: StoreTransaction, message: NewOutboundMessage): Promise<number> {
    return insertQueuedMessage(fromStoreTransaction(tx), message);
  }
}

/** Stores an MO message: direction `mo`, status `received`, its datetime the reception time. */
export async function insertInboundMessage(db: Executor, sms: NewInboundMessage): Promise<number> {
  const row = await db
    .insertInto('messages')
    .values(inboundMessageRow(sms))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Keeps an inbound SMS addressed to no account's sender number. */
export async function insertUnroutedInbound(db: Executor, sms: UnroutedSms): Promise<number> {
  const row = await db
    .insertInto('unrouted_inbound')
    .values({
      from_number: sms.from,
      to_number: sms.to,
      body: sms.body,
      part_count: sms.partCount,
      received_at: sms.receivedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
