import { sql } from 'kysely';
import { notNull, type Migration } from './helpers.js';

/**
 * Verification, second half (issue #14):
 * - `verifications` learns how its code is checked (`expires_at`, `check_attempts`, `verified_at`:
 *   check_verification) and how its call went (`answered_at`, written the moment the callee picks up
 *   so that an expired lease never puts an answered call back in the queue; `call_outcome`,
 *   `sip_code`, `call_duration_ms` of the last attempt). Rows from before keep a 10-minute expiry
 *   from their creation, as if they had been sent under the default.
 * - `landlines` says where each number came from (`source`: `learnt` from a failed SMS, or
 *   `operator` through `vudumobile landline add`), so the operator can tell them apart.
 * - `line_type_blocks`: the NPA-NXX (or NPA-NXX-X thousands-block) prefixes the operator loads
 *   with `vudumobile landline import-blocks`, each with its line type. The primary key on the
 *   prefix (international digits, `1514555` or `15145551`) is the index a lookup reads: at most two
 *   probes per number.
 */
export const verificationChecks: Migration = {
  name: '015-verification-checks',
  async up({ db }) {
    const verifications = () => db.schema.alterTable('verifications');
    await verifications()
      .addColumn('expires_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await verifications()
      .addColumn('check_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await verifications().addColumn('verified_at', 'bigint').execute();
    await verifications().addColumn('answered_at', 'bigint').execute();
    await verifications().addColumn('call_outcome', 'text').execute();
    await verifications().addColumn('sip_code', 'integer').execute();
    await verifications().addColumn('call_duration_ms', 'bigint').execute();
    await sql`update verifications set expires_at = created_at + 600000`.execute(db);
    // A call that ended answered was recorded as `call_placed` before outcomes had names.
    await sql`update verifications set status = 'answered', call_outcome = 'answered'
      where status = 'call_placed'`.execute(db);

    await db.schema
      .alterTable('landlines')
      .addColumn('source', 'text', (c) => c.notNull().defaultTo('learnt'))
      .execute();

    await db.schema
      .createTable('line_type_blocks')
      .addColumn('prefix', 'text', (c) => c.primaryKey())
      .addColumn('line_type', 'text', notNull)
      .addColumn('imported_at', 'bigint', notNull)
      .execute();
  },
};
