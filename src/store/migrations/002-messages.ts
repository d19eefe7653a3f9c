import { notNull, withId, type Migration } from './helpers.js';

/**
 * The outbound and inbound path: messages (SMS, both directions), their carrier parts, outbound
 * emails, verification requests and the suppression list.
 */
export const messages: Migration = {
  name: '002-messages',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('messages'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('direction', 'text', notNull) // 'mo' | 'mt'
      .addColumn('from_number', 'text', notNull)
      .addColumn('to_number', 'text', notNull)
      .addColumn('body', 'text', notNull)
      .addColumn('part_count', 'integer', notNull)
      .addColumn('encoding', 'text', notNull) // 'GSM-7' | 'UCS-2'
      // mt: queued | sending | sent | delivered | failed | cancelled; mo: received
      .addColumn('status', 'text', notNull)
      .addColumn('detailed_status', 'text') // e.g. DELIVRD_000 once a receipt arrived
      .addColumn('contact_id', 'bigint')
      .addColumn('broadcast_id', 'bigint')
      // 0 = single sends and verification codes, 1 = bulk: the dispatcher serves 0 first.
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('idempotency_key', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_until', 'bigint')
      .addColumn('error', 'text')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('sent_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .addUniqueConstraint('messages_idempotency_unique', ['account_id', 'idempotency_key'])
      .execute();
    // get_feed: one account's messages in (datetime, msg_id) order, optionally by direction.
    await db.schema
      .createIndex('messages_feed')
      .on('messages')
      .columns(['account_id', 'direction', 'created_at', 'id'])
      .execute();
    await db.schema
      .createIndex('messages_feed_all')
      .on('messages')
      .columns(['account_id', 'created_at', 'id'])
      .execute();
    // The dispatcher's claim: queued rows by priority, then due time, then age.
    await db.schema
      .createIndex('messages_dispatch')
      .on('messages')
      .columns(['status', 'priority', 'next_attempt_at', 'id'])
      .execute();
    await db.schema
      .createIndex('messages_broadcast')
      .on('messages')
      .columns(['broadcast_id', 'status'])
      .execute();

    await db.schema
      .createTable('message_parts')
      .addColumn('message_id', 'bigint', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('seq', 'integer', notNull)
      .addColumn('carrier_id', 'text')
      .addColumn('status', 'text', notNull) // sent | delivered | failed
      .addColumn('stat', 'text')
      .addColumn('err', 'text')
      .addColumn('submitted_at', 'bigint')
      .addColumn('done_at', 'bigint')
      .addPrimaryKeyConstraint('message_parts_pk', ['message_id', 'seq'])
      .execute();
    await db.schema.createIndex('message_parts_carrier').on('message_parts').column('carrier_id').execute();

    await withId(db.schema.createTable('emails'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('kind', 'text', notNull) // api | broadcast | import_report
      .addColumn('from_address', 'text', notNull)
      .addColumn('to_address', 'text', notNull)
      .addColumn('subject', 'text', notNull)
      .addColumn('body', 'text', notNull)
      .addColumn('format', 'text', notNull) // text | htm
      .addColumn('status', 'text', notNull) // queued | sending | sent | failed
      .addColumn('error', 'text')
      .addColumn('contact_id', 'bigint')
      .addColumn('broadcast_id', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('lease_until', 'bigint')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('emails_dispatch')
      .on('emails')
      .columns(['status', 'next_attempt_at', 'id'])
      .execute();

    await withId(db.schema.createTable('verifications'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('key_id', 'bigint', notNull)
      .addColumn('request_id', 'text', notNull)
      .addColumn('to_number', 'text', notNull)
      .addColumn('language', 'text', notNull)
      .addColumn('channel', 'text', notNull) // sms | voice
      .addColumn('message_id', 'bigint')
      .addColumn('call_id', 'text')
      .addColumn('status', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addUniqueConstraint('verifications_request_unique', ['account_id', 'request_id'])
      .execute();
    await db.schema
      .createIndex('verifications_number_time')
      .on('verifications')
      .columns(['to_number', 'created_at'])
      .execute();
    await db.schema
      .createIndex('verifications_key_time')
      .on('verifications')
      .columns(['key_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('suppressions')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('number', 'text', notNull)
      .addColumn('reason', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addPrimaryKeyConstraint('suppressions_pk', ['account_id', 'number'])
      .execute();
  },
};
