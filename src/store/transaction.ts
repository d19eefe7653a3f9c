import type { Kysely, Transaction } from 'kysely';
import type { StoreTransaction } from '../domain/ports/transaction.js';
import type { Database } from './schema.js';

/**
 * The one place a Kysely transaction crosses into the domain and back (see StoreTransaction). The
 * casts are safe by construction: only the store creates StoreTransaction values, always from a
 * Kysely transaction of this schema.
 */
export function toStoreTransaction(trx: Transaction<Database>): StoreTransaction {
  return trx as unknown as StoreTransaction;
}

export function fromStoreTransaction(tx: StoreTransaction): Transaction<Database> {
  return tx as unknown as Transaction<Database>;
}

/** Either the database handle or an open transaction of it: what a repository function writes through. */
export type Executor = Kysely<Database> | Transaction<Database>;
