import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database } from '../schema.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertApiKey(
  db: Kysely<Database>,
  input: { accountId: number; name?: string; keyHash: string; masked: string; allowedIps: readonly string[] },
  now: number,
): Promise<number> {
  const row = await db
    .insertInto('api_keys')
    .values({
      account_id: input.accountId,
      name: input.name ?? '',
      key_hash: input.keyHash,
      masked: input.masked,
      allowed_ips: JSON.stringify(input.allowedIps),
      created_at: now,
      revoked_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findApiKeyByHash(
  db: Kysely<Database>,
  keyHash: string,
): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function findApiKey(db: Kysely<Database>, id: number): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: Kysely<Database>, accountId?: number): Promise<ApiKeyRow[]> {
  let query = db.selectFrom('api_keys').selectAll().orderBy('id');
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  return query.execute();
}

export async function revokeApiKey(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setAllowedIps(
  db: Kysely<Database>,
  id: number,
  entries: readonly string[],
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ allowed_ips: JSON.stringify(entries) })
    .where('id', '=', id)
    .execute();
}

export async function updateApiKey(
  db: Kysely<Database>,
  id: number,
  changes: { readonly name: string; readonly allowedIps: readonly string[] },
): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ name: changes.name, allowed_ips: JSON.stringify(changes.allowedIps) })
    .where('id', '=', id)
    .execute();
}

/** Reads a stored allow-list; the column is written only by this module, as a JSON array of strings. */
export function parseAllowedIps(stored: string): string[] {
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string') : [];
}
