import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * The queue's indexes hold only the rows they serve. messages_dispatch indexed every message by
 * status, so each step of a message's life (queued, sending, sent, delivered) added an entry to it,
 * and PostgreSQL, whose statistics trail a fast-growing table, read "status = 'sent'" through it
 * for a 250-id update. Now:
 * - messages_queue: the queued messages in the dispatcher's order (partial: status = 'queued');
 * - messages_leases: the messages a dispatcher holds, by lease end (partial: status = 'sending').
 * Queries reach them with the status written as a literal, which both planners need to use a
 * partial index. The broadcast indexes, and on PostgreSQL the idempotency key's, leave out the rows
 * they can never match (no broadcast, no key): a single send's every change then updates four
 * indexes of messages instead of seven. message_parts_carrier goes: nothing reads parts by
 * carrier_id since 003's carrier_key.
 *
 * On PostgreSQL the hot tables also get small statistics targets: ANALYZE samples 300 rows per
 * unit of the largest target, and these tables are analysed often while a broadcast reshapes them
 * (workers/statistics-keeper.ts). Columns no query filters on get none.
 */
const STATISTICS: Record<string, { filtered: string[]; unfiltered: string[] }> = {
  messages: {
    filtered: [
      'id',
      'account_id',
      'direction',
      'status',
      'contact_id',
      'broadcast_id',
      'priority',
      'idempotency_key',
      'next_attempt_at',
      'lease_until',
      'created_at',
    ],
    unfiltered: [
      'from_number',
      'to_number',
      'body',
      'part_count',
      'encoding',
      'detailed_status',
      'attempts',
      'error',
      'sent_at',
      'done_at',
    ],
  },
  message_parts: {
    filtered: ['message_id', 'seq', 'carrier_key', 'status'],
    unfiltered: ['carrier_id', 'stat', 'err', 'submitted_at', 'done_at'],
  },
  broadcast_recipients: {
    filtered: ['id', 'broadcast_id'],
    unfiltered: ['contact_id', 'number', 'email', 'name', 'description', 'language'],
  },
};
const FILTERED_TARGET = 10;

export const queueIndexes: Migration = {
  name: '007-queue-indexes',
  async up({ db, dialect }) {
    await db.schema.dropIndex('messages_dispatch').execute();
    // Receipts match parts on carrier_key (003): an index on carrier_id only cost every insert.
    await db.schema.dropIndex('message_parts_carrier').execute();
    await sql`create index messages_queue on messages (priority, next_attempt_at, id) where status = 'queued'`.execute(
      db,
    );
    await sql`create index messages_leases on messages (lease_until) where status = 'sending'`.execute(db);
    // Single sends (no broadcast) need no entry in the broadcast indexes: every query of those
    // names a broadcast_id, which both planners read as "broadcast_id is not null".
    await db.schema.dropIndex('messages_broadcast').execute();
    await sql`create index messages_broadcast on messages (broadcast_id, status) where broadcast_id is not null`.execute(
      db,
    );
    await db.schema.dropIndex('messages_broadcast_contact_unique').execute();
    await sql`create unique index messages_broadcast_contact_unique on messages (broadcast_id, contact_id)
      where broadcast_id is not null`.execute(db);
    if (dialect !== 'postgres') return;
    // Likewise messages without an idempotency key (most). SQLite cannot drop a table's UNIQUE
    // constraint without rebuilding the table, so there it stays whole.
    await sql`alter table messages drop constraint messages_idempotency_unique`.execute(db);
    await sql`create unique index messages_idempotency_unique on messages (account_id, idempotency_key)
      where idempotency_key is not null`.execute(db);
    for (const [table, { filtered, unfiltered }] of Object.entries(STATISTICS)) {
      const columns = [
        ...filtered.map((c) => sql`alter column ${sql.ref(c)} set statistics ${sql.lit(FILTERED_TARGET)}`),
        ...unfiltered.map((c) => sql`alter column ${sql.ref(c)} set statistics 0`),
      ];
      await sql`alter table ${sql.table(table)} ${sql.join(columns)}`.execute(db);
    }
  },
};
