import type { AccountEvent } from '../ports/account-events-store.js';

/** How long a missing id is waited for: longer than any transaction that writes an event. */
export const GAP_WAIT_MS = 10_000;
/** At most this many missing ids are remembered (a jump in the sequence is not waited for). */
const MAX_GAPS = 1000;

/**
 * Where a reader of the account events stands. Ids are handed out in order but, on PostgreSQL,
 * committed in any order: id 12 may become visible after 13 was read. So the cursor remembers the
 * ids it skipped (gaps) and asks for them again, until they show up or GAP_WAIT_MS passes (a
 * rolled-back transaction leaves a gap for ever). No event is read twice, none is skipped.
 */
export class EventCursor {
  private high: number;
  /** Missing id → when it was first seen missing. */
  private readonly gaps = new Map<number, number>();

  constructor(start: number) {
    this.high = start;
  }

  /** Read events with an id above this one… */
  get afterId(): number {
    return this.high;
  }

  /** …and these, still missing below it. */
  missing(): number[] {
    return [...this.gaps.keys()];
  }

  /**
   * Takes a read's rows (in id order) and returns those this reader had not seen, forgetting gaps
   * waited for long enough.
   */
  accept(rows: readonly AccountEvent[], now: number): AccountEvent[] {
    const fresh: AccountEvent[] = [];
    for (const row of rows) {
      if (row.id > this.high) {
        if (row.id - this.high - 1 <= MAX_GAPS - this.gaps.size) {
          for (let id = this.high + 1; id < row.id; id++) this.gaps.set(id, now);
        }
        this.high = row.id;
        fresh.push(row);
      } else if (this.gaps.delete(row.id)) {
        fresh.push(row);
      }
    }
    for (const [id, since] of this.gaps) if (now - since > GAP_WAIT_MS) this.gaps.delete(id);
    return fresh;
  }

  /**
   * Every event up to this id has been read (or given up on): what a page may send back as its
   * Last-Event-ID to replay from after a reconnect.
   */
  settled(): number {
    let lowest = this.high;
    for (const id of this.gaps.keys()) if (id - 1 < lowest) lowest = id - 1;
    return lowest;
  }
}
