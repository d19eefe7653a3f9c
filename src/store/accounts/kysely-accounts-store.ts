import type { Kysely, Selectable } from 'kysely';
import type { AccountSettings } from '../../domain/accounts/account-settings.js';
import type { Account, ApiKey, NewAccount } from '../../domain/accounts/accounts.js';
import type { AccountLimits } from '../../domain/accounts/rate-limits.js';
import type { QuietWindow } from '../../domain/broadcasts/quiet-hours.js';
import type { AccountsStore, NewApiKey } from '../../domain/ports/accounts-store.js';
import type { AccountsTable, ApiKeysTable, Database } from '../schema.js';
import {
  addSender,
  countAccounts,
  createAccount,
  findAccount,
  findSenderAccount,
  listAccounts,
  listSenders,
  removeSender,
  updateAccount,
} from './accounts-repo.js';
import {
  findApiKey,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  parseAllowedIps,
  revokeApiKey,
  setAllowedIps,
  updateApiKey,
} from './keys-repo.js';

export function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    name: row.name,
    defaultLanguage: row.default_language === 'en' ? 'en' : 'fr',
    defaultCountry: row.default_country,
    mailFrom: row.mail_from,
    detailedStatus: row.detailed_status === 1,
    createdAt: row.created_at,
    limits: { perMinute: row.rate_per_minute, perDay: row.rate_per_day },
    quietHours:
      row.quiet_start === null || row.quiet_end === null
        ? null
        : { startMinute: Number(row.quiet_start), endMinute: Number(row.quiet_end) },
    timeZone: row.time_zone,
  };
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    keyHash: row.key_hash,
    masked: row.masked,
    allowedIps: parseAllowedIps(row.allowed_ips),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** The accounts service's store: the statements of accounts-repo and keys-repo. */
export class KyselyAccountsStore implements AccountsStore {
  constructor(private readonly db: Kysely<Database>) {}

  createAccount(input: NewAccount, now: number): Promise<number> {
    return createAccount(this.db, input, now);
  }

  countAccounts(): Promise<number> {
    return countAccounts(this.db);
  }

  async findAccount(id: number): Promise<Account | undefined> {
    const row = await findAccount(this.db, id);
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    return (await listAccounts(this.db)).map(toAccount);
  }

  updateAccount(id: number, settings: AccountSettings): Promise<boolean> {
    return updateAccount(this.db, id, settings);
  }

  async setAccountLimits(id: number, limits: AccountLimits): Promise<boolean> {
    const result = await this.db
      .updateTable('accounts')
      .set({ rate_per_minute: limits.perMinute, rate_per_day: limits.perDay })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setQuietHours(id: number, quietHours: QuietWindow | null, timeZone: string): Promise<boolean> {
    const result = await this.db
      .updateTable('accounts')
      .set({
        quiet_start: quietHours?.startMinute ?? null,
        quiet_end: quietHours?.endMinute ?? null,
        time_zone: timeZone,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  listSenders(accountId: number): Promise<string[]> {
    return listSenders(this.db, accountId);
  }

  findSenderAccount(number: string): Promise<number | undefined> {
    return findSenderAccount(this.db, number);
  }

  addSender(accountId: number, number: string, now: number): Promise<boolean> {
    return addSender(this.db, accountId, number, now);
  }

  removeSender(accountId: number, number: string): Promise<boolean> {
    return removeSender(this.db, accountId, number);
  }

  insertApiKey(input: NewApiKey, now: number): Promise<number> {
    return insertApiKey(this.db, input, now);
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKey | undefined> {
    const row = await findApiKeyByHash(this.db, keyHash);
    return row && toApiKey(row);
  }

  async findApiKey(id: number): Promise<ApiKey | undefined> {
    const row = await findApiKey(this.db, id);
    return row && toApiKey(row);
  }

  async listApiKeys(accountId?: number): Promise<ApiKey[]> {
    return (await listApiKeys(this.db, accountId)).map(toApiKey);
  }

  revokeApiKey(id: number, now: number): Promise<boolean> {
    return revokeApiKey(this.db, id, now);
  }

  setAllowedIps(id: number, entries: readonly string[]): Promise<void> {
    return setAllowedIps(this.db, id, entries);
  }

  updateApiKey(
    id: number,
    changes: { readonly name: string; readonly allowedIps: readonly string[] },
  ): Promise<void> {
    return updateApiKey(this.db, id, changes);
  }
}
