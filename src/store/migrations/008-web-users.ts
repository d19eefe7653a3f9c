import { sql } from 'kysely';
import { notNull, withId, type Migration } from './helpers.js';

/**
 * The web platform's users (issue #12): a name, a role, a language and a time zone per user, an
 * argon2id password hash (null until the invitation is followed), and three tables:
 * - web_sessions: a signed-in browser, found by the SHA-256 of its cookie's token;
 * - user_tokens: single-use links (invitation, password reset), also stored hashed;
 * - sign_in_failures: failed sign-ins per scope (`ip:…`, `account:…`) for the throttle, in the
 *   database so that every process counts the same attempts.
 * The users that exist already (made by `user add` and the first start) become admins: until now
 * every user could do everything.
 */
export const webUsers: Migration = {
  name: '008-web-users',
  async up({ db, dialect }) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema
      .alterTable('users')
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('language', 'text', (c) => c.notNull().defaultTo('fr'))
      .execute();
    await db.schema
      .alterTable('users')
      .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('America/Toronto'))
      .execute();
    await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
    await db.schema.alterTable('users').addColumn('password_changed_at', 'bigint').execute();
    await sql`update users set role = 'admin'`.execute(db);
    // Sign-in looks an email up across accounts.
    await sql`create index users_email_lower on users (lower(email))`.execute(db);

    await withId(db.schema.createTable('web_sessions'), dialect)
      .addColumn('token_hash', 'text', notNull)
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('last_seen_at', 'bigint', notNull)
      .addColumn('expires_at', 'bigint', notNull)
      .addUniqueConstraint('web_sessions_token_unique', ['token_hash'])
      .execute();
    await db.schema.createIndex('web_sessions_user').on('web_sessions').column('user_id').execute();

    await withId(db.schema.createTable('user_tokens'), dialect)
      .addColumn('kind', 'text', notNull) // invite | reset
      .addColumn('token_hash', 'text', notNull)
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', notNull)
      .addColumn('expires_at', 'bigint', notNull)
      .addColumn('used_at', 'bigint')
      .addUniqueConstraint('user_tokens_token_unique', ['token_hash'])
      .execute();
    await db.schema.createIndex('user_tokens_user').on('user_tokens').columns(['user_id', 'kind']).execute();

    await withId(db.schema.createTable('sign_in_failures'), dialect)
      .addColumn('scope', 'text', notNull)
      .addColumn('at', 'bigint', notNull)
      .execute();
    await db.schema
      .createIndex('sign_in_failures_scope')
      .on('sign_in_failures')
      .columns(['scope', 'at'])
      .execute();
  },
};
