import { normaliseSender } from '../messages/send-request.js';
import {
  invalidApiKey,
  invalidPhoneNumber,
  invalidTimezone,
  ipNotAllowed,
  senderExists,
  senderTaken,
} from '../errors.js';
import { DEFAULT_QUIET_HOURS, type QuietWindow } from '../broadcasts/quiet-hours.js';
import { resolveTimeZone } from '../common/timezone.js';
import type { AccountsStore } from '../ports/accounts-store.js';
import type { Account, ApiKey, NewAccount } from './accounts.js';
import { generateApiKey, hashApiKey, hashesEqual, maskApiKey, parseKeyName } from './api-keys.js';
import { IpAllowList, LOOPBACK_ONLY, parseAllowList, plainIp } from './ip-allow-list.js';
import { checkAccountSettings } from './account-settings.js';
import type { AccountLimits } from './rate-limits.js';

/** Who is calling: the key's account. Every query of a request is scoped by `account.id`. */
export interface Caller {
  readonly account: Account;
  readonly keyId: number;
}

/** The account made on the first start with an empty database, and its key, shown once. */
export interface FirstRunAccount {
  readonly accountId: number;
  readonly key: string;
}

export interface AccountWithSenders extends Account {
  readonly senders: readonly string[];
}

/** Adding a sender number: refused when another account (or this one) already sends from it. */
export type AddSenderResult = { readonly added: true } | { readonly added: false; readonly owner: number };

/**
 * A key found valid, with what deciding on a call needs: kept by the HTTP edge for a moment, so the
 * allow-list is compiled once and the key and its account are not read again on every request.
 */
export interface KeyCredential {
  readonly keyId: number;
  readonly masked: string;
  readonly allowList: IpAllowList;
  readonly account: Account;
}

/**
 * Accounts, their sender numbers and API keys, and the two checks of an API call (its key, then its
 * client address). The HTTP edge and the CLI call this; the web platform too. The people of an
 * account (users, sessions) are the UsersService's (domain/users/).
 */
export class AccountsService {
  constructor(
    private readonly store: AccountsStore,
    private readonly now: () => number,
  ) {}

  /** Contract §2, the key: an unknown or revoked key, or one of a deleted account, is refused (401). */
  async verifyKey(keyHash: string): Promise<KeyCredential> {
    const key = await this.store.findApiKeyByHash(keyHash);
    if (!key || key.revokedAt !== null || !hashesEqual(key.keyHash, keyHash)) {
      throw invalidApiKey();
    }
    const account = await this.store.findAccount(key.accountId);
    if (!account) throw invalidApiKey();
    return { keyId: key.id, masked: key.masked, allowList: new IpAllowList(key.allowedIps), account };
  }

  /**
   * Contract §2, the firewall: the key's IP allow-list decides (403, naming the address and the
   * masked key). `clientAddress` is the peer, or what a trusted proxy forwarded: the edge decides.
   */
  authorize(credential: KeyCredential, clientAddress: string): Caller {
    const ip = plainIp(clientAddress);
    if (!credential.allowList.allows(ip)) {
      throw ipNotAllowed(ip, credential.masked);
    }
    return { account: credential.account, keyId: credential.keyId };
  }

  /**
   * On the first start with an empty database: a default account (fr, CA) and one API key allowed
   * from loopback only (its first admin is invited by the caller, UsersService.invite), sending
   * from `sender` (DEFAULT_SENDER) when one is configured: an account without a number can send no
   * SMS. Undefined when accounts exist.
   */
  async createFirstRunAccount(sender?: string): Promise<FirstRunAccount | undefined> {
    if ((await this.store.countAccounts()) > 0) return undefined;
    const accountId = await this.createAccount({
      name: 'Default',
      defaultLanguage: 'fr',
      defaultCountry: 'CA',
      mailFrom: null,
      senders: sender === undefined ? [] : [sender],
    });
    const { key } = await this.createApiKey(accountId, LOOPBACK_ONLY);
    return { accountId, key };
  }

  /**
   * An account with its sender numbers and its system groups (Tous, Blocked), and quiet hours
   * 21:00–08:00 unless it says otherwise (a Québec operator's compliance default).
   */
  createAccount(input: NewAccount): Promise<number> {
    return this.store.createAccount(
      { ...input, quietHours: input.quietHours ?? DEFAULT_QUIET_HOURS },
      this.now(),
    );
  }

  /**
   * Sets the account's quiet hours (null: none) and the zone of recipients whose area code tells
   * none. A broadcast already queued keeps the due times its fan-out gave it.
   */
  async setQuietHours(
    accountId: number,
    quietHours: QuietWindow | null,
    timeZone: string,
  ): Promise<Account | undefined> {
    const zone = resolveTimeZone(timeZone);
    if (zone === null) throw invalidTimezone(timeZone);
    if (!(await this.store.setQuietHours(accountId, quietHours, zone))) return undefined;
    return this.store.findAccount(accountId);
  }

  findAccount(id: number): Promise<Account | undefined> {
    return this.store.findAccount(id);
  }

  async listAccounts(): Promise<AccountWithSenders[]> {
    const accounts = await this.store.listAccounts();
    const listed: AccountWithSenders[] = [];
    for (const account of accounts)
      listed.push({ ...account, senders: await this.store.listSenders(account.id) });
    return listed;
  }

  /** The account's sender numbers, oldest first: the first is the default From. */
  listSenders(accountId: number): Promise<string[]> {
    return this.store.listSenders(accountId);
  }

  /** One number, one account: an inbound message to a sender number must have a single destination. */
  async addSender(accountId: number, number: string): Promise<AddSenderResult> {
    const owner = await this.store.findSenderAccount(number);
    if (owner !== undefined) return { added: false, owner };
    // False: another request added the number between the look-up and the insert.
    if (await this.store.addSender(accountId, number, this.now())) return { added: true };
    // (-1: it was removed again meanwhile; no account to name.)
    return { added: false, owner: (await this.store.findSenderAccount(number)) ?? -1 };
  }

  /** False when the account has no such number. */
  removeSender(accountId: number, number: string): Promise<boolean> {
    return this.store.removeSender(accountId, number);
  }

  /**
   * Changes the account's name, default language and country (validated: account-settings.ts).
   * Undefined when there is no such account.
   */
  async updateAccount(
    accountId: number,
    input: { name: string; defaultLanguage: string; defaultCountry: string },
  ): Promise<Account | undefined> {
    const settings = checkAccountSettings(input);
    if (!(await this.store.updateAccount(accountId, settings))) return undefined;
    return this.store.findAccount(accountId);
  }

  /**
   * Sets the account's own request limits (per minute, per day; null: the platform's default). The
   * API applies them within KEY_CACHE_MS, when its cached copy of the account expires.
   */
  async setLimits(accountId: number, limits: AccountLimits): Promise<Account | undefined> {
    if (!(await this.store.setAccountLimits(accountId, limits))) return undefined;
    return this.store.findAccount(accountId);
  }

  /**
   * Adds a sender number as typed by a person: a short code (3–8 digits) or a phone number read in
   * the account's country, as `send` reads its `from`. Refused when the number is already this
   * account's, or another's (one number, one account). Returns the number as stored.
   */
  async addSenderNumber(account: Account, raw: string): Promise<string> {
    const number = normaliseSender(raw, account.defaultCountry);
    if (!number) throw invalidPhoneNumber('number');
    const result = await this.addSender(account.id, number);
    if (!result.added) throw result.owner === account.id ? senderExists() : senderTaken();
    return number;
  }

  /** A new key for the account: stored hashed and masked; the key itself is returned this once. */
  async createApiKey(
    accountId: number,
    allowedIps: readonly string[],
    name = '',
  ): Promise<{ id: number; key: string }> {
    const key = generateApiKey();
    const id = await this.store.insertApiKey(
      { accountId, name, keyHash: hashApiKey(key), masked: maskApiKey(key), allowedIps },
      this.now(),
    );
    return { id, key };
  }

  /**
   * A key made by one of the account's admins: a name and an allow-list as typed (one entry a line),
   * both checked (invalidApiKeyName, invalidAllowEntry) before anything is written.
   */
  async createAccountKey(
    accountId: number,
    input: { readonly name?: string; readonly allowList: string },
  ): Promise<{ id: number; key: string }> {
    const name = parseKeyName(input.name);
    return this.createApiKey(accountId, parseAllowList(input.allowList), name);
  }

  /** One of the account's keys; another account's key is not found, as if it did not exist. */
  async findAccountKey(accountId: number, id: number): Promise<ApiKey | undefined> {
    const key = await this.store.findApiKey(id);
    return key?.accountId === accountId ? key : undefined;
  }

  /**
   * Renames one of the account's keys and replaces its allow-list; both are checked first, so a bad
   * entry changes nothing. Undefined when the account has no such key.
   */
  async updateAccountKey(
    accountId: number,
    id: number,
    input: { readonly name?: string; readonly allowList: string },
  ): Promise<ApiKey | undefined> {
    const key = await this.findAccountKey(accountId, id);
    if (!key) return undefined;
    const changes = { name: parseKeyName(input.name), allowedIps: parseAllowList(input.allowList) };
    await this.store.updateApiKey(id, changes);
    return { ...key, ...changes };
  }

  /** Revokes one of the account's keys (see revokeApiKey); false when the account has no such key. */
  async revokeAccountKey(accountId: number, id: number): Promise<boolean> {
    if (!(await this.findAccountKey(accountId, id))) return false;
    await this.store.revokeApiKey(id, this.now());
    return true;
  }

  findApiKey(id: number): Promise<ApiKey | undefined> {
    return this.store.findApiKey(id);
  }

  /** Every key, or one account's, in id order. */
  listApiKeys(accountId?: number): Promise<ApiKey[]> {
    return this.store.listApiKeys(accountId);
  }

  /**
   * Revokes a key (a key already revoked stays so); false when there is no such key. The HTTP edge
   * refuses calls with it once its cached credential expires (KEY_CACHE_MS, src/http/auth.ts).
   */
  async revokeApiKey(id: number): Promise<boolean> {
    if (!(await this.store.findApiKey(id))) return false;
    await this.store.revokeApiKey(id, this.now());
    return true;
  }

  /**
   * Adds entries to a key's allow-list (`allow`, skipping those present) or removes them (`deny`);
   * returns the list as stored, or undefined when there is no such key.
   */
  async changeAllowList(
    id: number,
    change: 'allow' | 'deny',
    entries: readonly string[],
  ): Promise<readonly string[] | undefined> {
    const key = await this.store.findApiKey(id);
    if (!key) return undefined;
    const current = key.allowedIps;
    const next =
      change === 'allow'
        ? [...current, ...entries.filter((e) => !current.includes(e))]
        : current.filter((e) => !entries.includes(e));
    await this.store.setAllowedIps(id, next);
    return next;
  }
}
