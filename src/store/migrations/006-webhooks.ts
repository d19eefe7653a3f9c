import { notNull, withId, type Migration } from './helpers.js';

/**
 * Webhooks (contract §8): the URLs an account registered, and an outbox of deliveries written in the
 * same transaction as the event (an inbound SMS, a message's status), so no event is lost between
 * the commit and the POST; the webhook sender claims due deliveries under a lease.
 */
export const webhooks: Migration = {
  name: '006-webhooks',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('webhooks'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('url', 'text', notNull)
      // Comma-separated: mo, status.
      .addColumn('events', 'text', notNull)
      // The HMAC-SHA256 key; kept in clear because every delivery is signed with it.
      .addColumn('secret', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .execute();
    await db.schema.createIndex('webhooks_account').on('webhooks').columns(['account_id', 'id']).execute();

    await withId(db.schema.createTable('webhook_deliveries'), dialect)
      .addColumn('webhook_id', 'bigint', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('event', 'text', notNull)
      .addColumn('payload', 'text', notNull)
      .addColumn('status', 'text', notNull) // queued | sending | delivered | failed
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', notNull)
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('delivered_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .on('webhook_deliveries')
      .columns(['status', 'next_attempt_at', 'id'])
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_webhook')
      .on('webhook_deliveries')
      .columns(['webhook_id', 'id'])
      .execute();
  },
};
