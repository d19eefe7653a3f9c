/**
 * An open store transaction, opaque to the domain. A service that must write "in the same
 * transaction" (a broadcast's completion inside the receipt that settled its last message, a
 * verification's fallback inside the failure that caused it) receives one from the store and hands
 * it back to a store port; it never looks inside. The store converts it in `store/transaction.ts`.
 */
export interface StoreTransaction {
  readonly __storeTransaction: unique symbol;
}
