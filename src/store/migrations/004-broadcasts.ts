import { notNull, withId, type Migration } from './helpers.js';

/**
 * Broadcasts (envois massifs): the broadcast, the groups it targets, and the recipients snapshot
 * taken when it starts. The snapshot is what makes fan-out exact across restarts: recipients are
 * numbered once, the fan-out cursor (last recipient id queued) is committed with each batch, and a
 * unique (broadcast_id, contact_id) on messages and emails refuses a second message to a contact.
 */
export const broadcasts: Migration = {
  name: '004-broadcasts',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('broadcasts'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', notNull)
      .addColumn('fr_message', 'text')
      .addColumn('en_message', 'text')
      .addColumn('fr_subject', 'text')
      .addColumn('en_subject', 'text')
      .addColumn('fr_email', 'text')
      .addColumn('en_email', 'text')
      .addColumn('status', 'text', notNull) // pending | in_progress | completed | failed
      // The requested start (pending) or the actual one (once started).
      .addColumn('launch_date', 'bigint')
      .addColumn('end_date', 'bigint')
      // Chosen at start so that every message of the broadcast, also after a restart, has the same.
      .addColumn('from_number', 'text')
      .addColumn('mail_from', 'text')
      .addColumn('sms_total', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('email_total', 'bigint', (c) => c.notNull().defaultTo(0))
      // Last broadcast_recipients.id whose messages are committed: the resume point of the fan-out.
      .addColumn('fanout_cursor', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('fanout_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_until', 'bigint')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('started_at', 'bigint')
      // Soft delete: messages keep their broadcast_id and a running fan-out sees the deletion.
      .addColumn('deleted_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('broadcasts_account')
      .on('broadcasts')
      .columns(['account_id', 'deleted_at', 'id'])
      .execute();
    // The scheduler (pending, due launch_date) and the fan-out worker (in_progress) claim by status.
    await db.schema
      .createIndex('broadcasts_status')
      .on('broadcasts')
      .columns(['status', 'launch_date'])
      .execute();

    await db.schema
      .createTable('broadcast_groups')
      .addColumn('broadcast_id', 'bigint', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
      .addColumn('group_id', 'bigint', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('position', 'integer', notNull)
      .addPrimaryKeyConstraint('broadcast_groups_pk', ['broadcast_id', 'group_id'])
      .execute();

    // A copy of each recipient as it was at start: a contact edited or deleted later is still
    // messaged exactly as counted. `number` is null when it gets no SMS, `email` when no email.
    await withId(db.schema.createTable('broadcast_recipients'), dialect)
      .addColumn('broadcast_id', 'bigint', (c) => c.notNull().references('broadcasts.id').onDelete('cascade'))
      .addColumn('contact_id', 'bigint', notNull)
      .addColumn('number', 'text')
      .addColumn('email', 'text')
      .addColumn('name', 'text', notNull)
      .addColumn('description', 'text', notNull)
      .addColumn('language', 'text', notNull)
      .addUniqueConstraint('broadcast_recipients_contact_unique', ['broadcast_id', 'contact_id'])
      .execute();
    await db.schema
      .createIndex('broadcast_recipients_order')
      .on('broadcast_recipients')
      .columns(['broadcast_id', 'id'])
      .execute();

    // Per-account bulk pacing (BROADCAST_RATE_PER_ACCOUNT): the next free send slot, shared by every
    // broadcast of the account and advanced atomically by each fan-out batch.
    await db.schema
      .createTable('broadcast_pacing')
      .addColumn('account_id', 'bigint', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
      .addColumn('next_slot_at', 'bigint', notNull)
      .execute();

    // One message and one email per contact and broadcast, whatever happens to the process. NULLs
    // are distinct in unique indexes on both engines, so single sends (no broadcast) are unaffected.
    await db.schema
      .createIndex('messages_broadcast_contact_unique')
      .on('messages')
      .columns(['broadcast_id', 'contact_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('emails_broadcast_contact_unique')
      .on('emails')
      .columns(['broadcast_id', 'contact_id'])
      .unique()
      .execute();
    // Email counters and cancellation by broadcast (messages already have messages_broadcast).
    await db.schema
      .createIndex('emails_broadcast')
      .on('emails')
      .columns(['broadcast_id', 'status'])
      .execute();
  },
};
