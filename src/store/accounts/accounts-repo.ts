import type { Kysely, Transaction } from 'kysely';
import type { AccountSettings } from '../../domain/accounts/account-settings.js';
import type { NewAccount } from '../../domain/accounts/accounts.js';
import type { AccountsTable, Database } from '../schema.js';
import type { Selectable } from 'kysely';

export type AccountRow = Selectable<AccountsTable>;

export const SYSTEM_GROUPS = [
  { name: 'Tous', kind: 'all' },
  { name: 'Blocked', kind: 'blocked' },
] as const;

/** Creates an account with its sender numbers and its two system groups, in one transaction. */
export async function createAccount(db: Kysely<Database>, input: NewAccount, now: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .insertInto('accounts')
      .values({
        name: input.name,
        default_language: input.defaultLanguage,
        default_country: input.defaultCountry,
        mail_from: input.mailFrom,
        detailed_status: 1,
        created_at: now,
        quiet_start: input.quietHours?.startMinute ?? null,
        quiet_end: input.quietHours?.endMinute ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const number of input.senders) {
      await trx
        .insertInto('account_senders')
        .values({ account_id: account.id, number, created_at: now })
        .execute();
    }
    await insertSystemGroups(trx, account.id);
    return account.id;
  });
}

async function insertSystemGroups(trx: Transaction<Database>, accountId: number): Promise<void> {
  await trx
    .insertInto('groups')
    .values(
      SYSTEM_GROUPS.map((g) => ({
        account_id: accountId,
        name: g.name,
        name_key: g.name.toLowerCase(),
        system_kind: g.kind,
        created_at: null,
      })),
    )
    .execute();
}

export async function findAccount(db: Kysely<Database>, id: number): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAccounts(db: Kysely<Database>): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('id').execute();
}

export async function countAccounts(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The account's sender numbers, oldest first: the first is the default From. */
export async function listSenders(db: Kysely<Database>, accountId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('account_senders')
    .select('number')
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.number);
}

/** The account that sends from `number` (a long or short code; numbers are unique across accounts), if any. */
export async function findSenderAccount(db: Kysely<Database>, number: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('account_senders')
    .select('account_id')
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.account_id;
}

/** Adds a sender number to an account (numbers are unique across accounts: inbound routing). */
export async function addSender(
  db: Kysely<Database>,
  accountId: number,
  number: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('account_senders')
    .values({ account_id: accountId, number, created_at: now })
    .onConflict((oc) => oc.column('number').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Changes the account's name, default language and country; false when there is no such account. */
export async function updateAccount(
  db: Kysely<Database>,
  id: number,
  settings: AccountSettings,
): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({
      name: settings.name,
      default_language: settings.defaultLanguage,
      default_country: settings.defaultCountry,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes a sender number from an account; false when the account had no such number. */
export async function removeSender(
  db: Kysely<Database>,
  accountId: number,
  number: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('account_senders')
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
