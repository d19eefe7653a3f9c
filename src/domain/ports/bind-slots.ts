/** A bind slot this process holds: renew it before leaseUntil, or another process takes it. */
export interface BindSlot {
  readonly connector: string;
  readonly slot: number;
  readonly leaseUntil: number;
}

/** Who asks for a slot of which connector, and for how long. */
export interface BindSlotRequest {
  readonly connector: string;
  readonly maxBinds: number;
  readonly holder: string;
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * The shared table of SMPP bind slots (a connector's `max_binds`), through which the worker
 * processes spread its binds: a slot is held under a lease by one holder at a time.
 */
export interface BindSlotStore {
  /** A free slot of the connector (never held, lapsed, or already this holder's), or none. */
  acquire(request: BindSlotRequest): Promise<BindSlot | undefined>;
  /** The slot with its lease extended; undefined when it is no longer ours. */
  renew(slot: BindSlot, holder: string, leaseUntil: number): Promise<BindSlot | undefined>;
  /** Gives the slot back at once (a clean stop). */
  release(slot: BindSlot, holder: string): Promise<void>;
}
