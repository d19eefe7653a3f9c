import type { Kysely } from 'kysely';
import type { BindSlot, BindSlotRequest, BindSlotStore } from '../../domain/ports/bind-slots.js';
import type { Database } from '../schema.js';

/** The bind slots (BindSlotStore) on the smpp_binds table. */
export class KyselyBindSlotStore implements BindSlotStore {
  constructor(private readonly db: Kysely<Database>) {}

  acquire(request: BindSlotRequest): Promise<BindSlot | undefined> {
    return acquireBindSlot(this.db, request);
  }

  renew(slot: BindSlot, holder: string, leaseUntil: number): Promise<BindSlot | undefined> {
    return renewBindSlot(this.db, slot, holder, leaseUntil);
  }

  release(slot: BindSlot, holder: string): Promise<void> {
    return releaseBindSlot(this.db, slot, holder);
  }
}

/**
 * Takes a free slot of a connector (0…maxBinds-1): one never held, one whose lease ran out (its
 * holder died), or one this holder already has. Each slot is a row written by one atomic upsert
 * whose update only applies to a lapsed lease, so two processes never hold the same slot.
 */
export async function acquireBindSlot(
  db: Kysely<Database>,
  options: BindSlotRequest,
): Promise<BindSlot | undefined> {
  const { connector, holder, now } = options;
  const leaseUntil = now + options.leaseMs;
  for (let slot = 0; slot < options.maxBinds; slot++) {
    const row = await db
      .insertInto('smpp_binds')
      .values({ connector, slot, holder, lease_until: leaseUntil })
      .onConflict((oc) =>
        oc
          .columns(['connector', 'slot'])
          .doUpdateSet({ holder, lease_until: leaseUntil })
          .where((eb) =>
            eb.or([eb('smpp_binds.lease_until', '<', now), eb('smpp_binds.holder', '=', holder)]),
          ),
      )
      .returning('slot')
      .executeTakeFirst();
    if (row) return { connector, slot, leaseUntil };
  }
  return undefined;
}

/** Extends a held slot; false when it is no longer ours (our lease ran out and another took it). */
export async function renewBindSlot(
  db: Kysely<Database>,
  slot: BindSlot,
  holder: string,
  leaseUntil: number,
): Promise<BindSlot | undefined> {
  const result = await db
    .updateTable('smpp_binds')
    .set({ lease_until: leaseUntil })
    .where('connector', '=', slot.connector)
    .where('slot', '=', slot.slot)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ...slot, leaseUntil } : undefined;
}

/** Gives a slot back at once (a clean stop), so another process binds without waiting for the lease. */
export async function releaseBindSlot(db: Kysely<Database>, slot: BindSlot, holder: string): Promise<void> {
  await db
    .updateTable('smpp_binds')
    .set({ lease_until: 0 })
    .where('connector', '=', slot.connector)
    .where('slot', '=', slot.slot)
    .where('holder', '=', holder)
    .execute();
}

/** Who holds which slot of a connector, for status and tests. */
export async function listBindSlots(
  db: Kysely<Database>,
  connector: string,
): Promise<{ slot: number; holder: string; leaseUntil: number }[]> {
  const rows = await db
    .selectFrom('smpp_binds')
    .select(['slot', 'holder', 'lease_until'])
    .where('connector', '=', connector)
    .orderBy('slot')
    .execute();
  return rows.map((r) => ({ slot: r.slot, holder: r.holder, leaseUntil: Number(r.lease_until) }));
}
