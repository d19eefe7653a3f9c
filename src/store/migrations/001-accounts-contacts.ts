import { sql } from 'kysely';
import { blobType, notNull, withId, type Migration } from './helpers.js';

/** Accounts, keys, users, the address book (contacts, groups) and CSV imports. */
export const accountsAndContacts: Migration = {
  name: '001-accounts-contacts',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('accounts'), dialect)
      .addColumn('name', 'text', notNull)
      .addColumn('default_language', 'text', notNull)
      .addColumn('default_country', 'text', notNull)
      .addColumn('mail_from', 'text')
      .addColumn('detailed_status', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'bigint', notNull)
      .execute();

    await withId(db.schema.createTable('account_senders'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('number', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addUniqueConstraint('account_senders_number_unique', ['number'])
      .execute();

    await withId(db.schema.createTable('api_keys'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('key_hash', 'text', notNull)
      .addColumn('masked', 'text', notNull)
      .addColumn('allowed_ips', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('revoked_at', 'bigint')
      .addUniqueConstraint('api_keys_hash_unique', ['key_hash'])
      .execute();

    await withId(db.schema.createTable('users'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('email', 'text', notNull)
      .addColumn('created_at', 'bigint', notNull)
      .addUniqueConstraint('users_account_email_unique', ['account_id', 'email'])
      .execute();

    await withId(db.schema.createTable('contacts'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('number', 'text')
      .addColumn('email', 'text')
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('language', 'text', notNull)
      .addColumn('user_id', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('is_blocked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', notNull)
      .addUniqueConstraint('contacts_account_number_unique', ['account_id', 'number'])
      .addUniqueConstraint('contacts_account_email_unique', ['account_id', 'email'])
      .execute();
    await db.schema
      .createIndex('contacts_account_blocked')
      .on('contacts')
      .columns(['account_id', 'is_blocked', 'id'])
      .execute();

    await withId(db.schema.createTable('groups'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', notNull)
      .addColumn('name_key', 'text', notNull)
      .addColumn('system_kind', 'text')
      .addColumn('created_at', 'bigint')
      .addUniqueConstraint('groups_account_name_unique', ['account_id', 'name_key'])
      .execute();

    await db.schema
      .createTable('group_members')
      .addColumn('group_id', 'bigint', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('contact_id', 'bigint', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', notNull)
      .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'contact_id'])
      .execute();
    await db.schema.createIndex('group_members_contact').on('group_members').column('contact_id').execute();

    await withId(db.schema.createTable('imports'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('report_email', 'text', notNull)
      .addColumn('overwrite', 'integer', notNull)
      .addColumn('group_id', 'bigint')
      .addColumn('status', 'text', notNull)
      .addColumn('encoding', 'text', notNull)
      .addColumn('delimiter', 'text', notNull)
      .addColumn('byte_size', 'bigint', notNull)
      .addColumn('checkpoint_line', 'bigint', (c) => c.notNull().defaultTo(1))
      .addColumn('rows_read', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('rejected', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('report_sent_at', 'bigint')
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('imports_status').on('imports').columns(['status', 'lease_until']).execute();

    await db.schema
      .createTable('import_chunks')
      .addColumn('import_id', 'bigint', (c) => c.notNull().references('imports.id').onDelete('cascade'))
      .addColumn('seq', 'integer', notNull)
      .addColumn('data', blobType(dialect), notNull)
      .addPrimaryKeyConstraint('import_chunks_pk', ['import_id', 'seq'])
      .execute();

    await withId(db.schema.createTable('import_errors'), dialect)
      .addColumn('import_id', 'bigint', (c) => c.notNull().references('imports.id').onDelete('cascade'))
      .addColumn('line', 'bigint', notNull)
      .addColumn('reason', 'text', notNull)
      .execute();
    await db.schema
      .createIndex('import_errors_import')
      .on('import_errors')
      .columns(['import_id', 'line'])
      .execute();

    // Every statement above is plain DDL both engines accept; this keeps the planner's statistics fresh.
    if (dialect === 'sqlite') await sql`PRAGMA optimize`.execute(db);
  },
};
