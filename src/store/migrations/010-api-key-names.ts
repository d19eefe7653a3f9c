import type { Migration } from './helpers.js';

/**
 * The Developers page: API keys get a name (keys made before, by the CLI or the first start, keep an
 * empty one), and each webhook delivery keeps the HTTP status of its last answer, so the page can show
 * what the receiver said (last_error only kept the text of failures).
 */
export const apiKeyNames: Migration = {
  name: '010-api-key-names',
  async up({ db }) {
    await db.schema
      .alterTable('api_keys')
      .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema.alterTable('webhook_deliveries').addColumn('http_status', 'integer').execute();
  },
};
