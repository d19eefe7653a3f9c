import { notNull, type Migration } from './helpers.js';

/**
 * SMPP bind slots: a connector with `max_binds=M` has slots 0…M-1, each held by at most one worker
 * process (holder) until lease_until, renewed by its heartbeat. A process binds the connector only
 * while it holds a slot, so the carrier never sees more than M binds, whatever the number of
 * workers; a dead holder's slot is free once its lease ran out.
 */
export const smppBinds: Migration = {
  name: '005-smpp-binds',
  async up({ db }) {
    await db.schema
      .createTable('smpp_binds')
      .addColumn('connector', 'text', notNull)
      .addColumn('slot', 'integer', notNull)
      .addColumn('holder', 'text', notNull)
      .addColumn('lease_until', 'bigint', notNull)
      .addPrimaryKeyConstraint('smpp_binds_pk', ['connector', 'slot'])
      .execute();
  },
};
