import type { Migration } from './helpers.js';

/**
 * The web platform's import page (issue #12): an import keeps its file's name, header and row count
 * (the progress bar's total; the error report's columns), and each rejected row keeps its values
 * (JSON array of the fields) so the error report can be downloaded as CSV after the bytes are gone.
 * Web uploads wait as status `draft` until started; nothing else about the table changes.
 */
export const importPages: Migration = {
  name: '011-import-pages',
  async up({ db }) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema.alterTable('imports').addColumn('file_name', 'text').execute();
    await db.schema.alterTable('imports').addColumn('header', 'text').execute();
    await db.schema.alterTable('imports').addColumn('rows_total', 'bigint').execute();
    await db.schema.alterTable('import_errors').addColumn('row_values', 'text').execute();
    // The imports page lists an account's imports newest first.
    await db.schema.createIndex('imports_account').on('imports').columns(['account_id', 'id']).execute();
  },
};
