import { notNull, withId, type Migration } from './helpers.js';

/**
 * What the delivery path needs beyond 002: a normalised carrier-id key on parts (receipts quote the
 * id in hex or decimal), receipts that arrived before their part was recorded, inbound SMS addressed
 * to no known sender number (kept, never dropped), the voice fallback state of verifications and the
 * numbers learnt to be landlines.
 */
export const messagesDelivery: Migration = {
  name: '003-messages-delivery',
  async up({ db, dialect }) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('message_parts').addColumn('carrier_key', 'text').execute();
    await db.schema
      .createIndex('message_parts_carrier_key')
      .on('message_parts')
      .column('carrier_key')
      .execute();

    await withId(db.schema.createTable('unmatched_receipts'), dialect)
      .addColumn('carrier_id', 'text', notNull)
      .addColumn('stat', 'text', notNull)
      .addColumn('err', 'text', notNull)
      .addColumn('done_at', 'bigint')
      .addColumn('received_at', 'bigint', notNull)
      .execute();

    await withId(db.schema.createTable('unrouted_inbound'), dialect)
      .addColumn('from_number', 'text', notNull)
      .addColumn('to_number', 'text', notNull)
      .addColumn('body', 'text', notNull)
      .addColumn('part_count', 'integer', notNull)
      .addColumn('received_at', 'bigint', notNull)
      .execute();

    await db.schema.alterTable('verifications').addColumn('code', 'text').execute();
    // 1 when the number's type was unknown: an SMS that fails falls back to a voice call.
    await db.schema
      .alterTable('verifications')
      .addColumn('fallback', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('verifications')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('verifications')
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('verifications').addColumn('lease_until', 'bigint').execute();
    await db.schema.alterTable('verifications').addColumn('error', 'text').execute();
    await db.schema
      .createIndex('verifications_calls')
      .on('verifications')
      .columns(['status', 'next_attempt_at', 'id'])
      .execute();
    await db.schema.createIndex('verifications_message').on('verifications').column('message_id').execute();

    await db.schema
      .createTable('landlines')
      .addColumn('number', 'text', (c) => c.primaryKey())
      .addColumn('reason', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .execute();
  },
};
