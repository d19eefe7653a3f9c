import { sql } from 'kysely';
import { withId, type Migration } from './helpers.js';

/**
 * CASL (issue #15, item 2):
 *
 * - **consent_log**: append-only proof of consent, one row per grant or withdrawal of a number or an
 *   email (who, how, when, on what evidence; implied consent with its expiry). Read by number or by
 *   email within an account (get_consent) and exported in id order, hence its three indexes.
 * - **suppression_history**: every change of the suppression list (`suppressions` keeps only the
 *   current state, read by the send path as before): suppressed or lifted, by whom (the keyword's
 *   number, the carrier, an operator's user or API key), and why (the keyword's text, the receipt's
 *   code, the operator's reason).
 * - **accounts**: the consent type a contact added without one gets (`express`), and the sender
 *   identification appended to commercial broadcasts (off until an operator sets it).
 * - **broadcasts.commercial**: whether the footer applies (1 by default: CASL's safe side).
 */
export const consentSuppressions: Migration = {
  name: '018-consent-suppressions',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('consent_log'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull())
      .addColumn('number', 'text')
      .addColumn('email', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('consent_log_number')
      .on('consent_log')
      .columns(['account_id', 'number'])
      .execute();
    await db.schema
      .createIndex('consent_log_email')
      .on('consent_log')
      .columns(['account_id', 'email'])
      .execute();
    await db.schema
      .createIndex('consent_log_account')
      .on('consent_log')
      .columns(['account_id', 'id'])
      .execute();

    await withId(db.schema.createTable('suppression_history'), dialect)
      .addColumn('account_id', 'bigint', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('suppression_history_number')
      .on('suppression_history')
      .columns(['account_id', 'number', 'id'])
      .execute();
    await db.schema
      .createIndex('suppression_history_account')
      .on('suppression_history')
      .columns(['account_id', 'id'])
      .execute();

    await db.schema
      .alterTable('accounts')
      .addColumn('consent_default_type', 'text', (c) => c.notNull().defaultTo('express'))
      .execute();
    await db.schema
      .alterTable('accounts')
      .addColumn('casl_footer_on', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('accounts').addColumn('casl_footer_fr', 'text').execute();
    await db.schema.alterTable('accounts').addColumn('casl_footer_en', 'text').execute();
    await db.schema
      .alterTable('broadcasts')
      .addColumn('commercial', 'integer', (c) => c.notNull().defaultTo(sql.lit(1)))
      .execute();
  },
};
