/**
 * What the accounts service needs from the database: accounts with their sender numbers and API
 * keys. Defined here, implemented in src/store/accounts/ and wired in the composition root.
 */
import type { AccountSettings } from '../accounts/account-settings.js';
import type { Account, ApiKey, NewAccount } from '../accounts/accounts.js';
import type { AccountLimits } from '../accounts/rate-limits.js';
import type { QuietWindow } from '../broadcasts/quiet-hours.js';

export interface NewApiKey {
  readonly accountId: number;
  readonly name: string;
  readonly keyHash: string;
  readonly masked: string;
  readonly allowedIps: readonly string[];
}

export interface AccountsStore {
  /** Creates the account, its sender numbers and its system groups (Tous, Blocked) in one transaction. */
  createAccount(input: NewAccount, now: number): Promise<number>;
  countAccounts(): Promise<number>;
  findAccount(id: number): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  /** False when there is no such account. */
  updateAccount(id: number, settings: AccountSettings): Promise<boolean>;
  /** Replaces the account's own request limits; false when there is no such account. */
  setAccountLimits(id: number, limits: AccountLimits): Promise<boolean>;
  /** Replaces the account's quiet hours (null: none) and zone; false when there is no such account. */
  setQuietHours(id: number, quietHours: QuietWindow | null, timeZone: string): Promise<boolean>;

  /** The account's sender numbers, oldest first: the first is the default From. */
  listSenders(accountId: number): Promise<string[]>;
  /** The account that sends from (and receives on) this number, if any. */
  findSenderAccount(number: string): Promise<number | undefined>;
  /** False when the number is already a sender (of any account): numbers are unique across accounts. */
  addSender(accountId: number, number: string, now: number): Promise<boolean>;
  /** False when the account had no such number. */
  removeSender(accountId: number, number: string): Promise<boolean>;

  insertApiKey(input: NewApiKey, now: number): Promise<number>;
  findApiKeyByHash(keyHash: string): Promise<ApiKey | undefined>;
  findApiKey(id: number): Promise<ApiKey | undefined>;
  /** Every key, or one account's, in id order. */
  listApiKeys(accountId?: number): Promise<ApiKey[]>;
  /** False when the key does not exist or was already revoked. */
  revokeApiKey(id: number, now: number): Promise<boolean>;
  setAllowedIps(id: number, entries: readonly string[]): Promise<void>;
  /** Renames a key and replaces its allow-list in one statement. */
  updateApiKey(
    id: number,
    changes: { readonly name: string; readonly allowedIps: readonly string[] },
  ): Promise<void>;
}
