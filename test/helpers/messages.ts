import type { Insertable, Kysely } from 'kysely';
import pino from 'pino';
import type { Database, MessagesTable } from '../../src/store/schema.js';
import { SandboxSmsTransport, type SandboxSmsOptions } from '../../src/transport/sandbox/sandbox-sms.js';

/** A sandbox carrier for tests: quick receipts, and it keeps what it accepted. */
export function testSandbox(options: SandboxSmsOptions = {}): SandboxSmsTransport {
  return new SandboxSmsTransport(pino({ level: 'silent' }), {
    receiptDelayMs: 5,
    keepRecords: true,
    ...options,
  });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Adds a contact straight into the store (the contacts API is another area's). */
export async function makeContact(
  db: Kysely<Database>,
  accountId: number,
  overrides: { number?: string | null; email?: string | null; isBlocked?: boolean; name?: string } = {},
): Promise<number> {
  const row = await db
    .insertInto('contacts')
    .values({
      account_id: accountId,
      number: overrides.number === undefined ? '15145550100' : overrides.number,
      email: overrides.email ?? null,
      name: overrides.name ?? '',
      description: '',
      language: 'fr',
      user_id: 0,
      is_blocked: overrides.isBlocked ? 1 : 0,
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function messageRow(db: Kysely<Database>, id: number) {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function partRows(db: Kysely<Database>, messageId: number) {
  return db
    .selectFrom('message_parts')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('seq')
    .execute();
}

/**
 * Outbound single-part messages written straight into the store, one per number, as the
 * dispatcher leaves them once submitted (`sent`) unless `fields` says otherwise. Returns their ids.
 */
export async function insertOutbound(
  db: Kysely<Database>,
  accountId: number,
  toNumbers: readonly string[],
  fields: Partial<Insertable<MessagesTable>> = {},
): Promise<number[]> {
  const now = Date.now();
  const rows = await db
    .insertInto('messages')
    .values(
      toNumbers.map((to) => ({
        account_id: accountId,
        direction: 'mt' as const,
        from_number: '15149541234',
        to_number: to,
        body: 'x',
        part_count: 1,
        encoding: 'GSM-7',
        status: 'sent',
        priority: 0,
        attempts: 1,
        next_attempt_at: now,
        created_at: now,
        sent_at: now,
        ...fields,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
