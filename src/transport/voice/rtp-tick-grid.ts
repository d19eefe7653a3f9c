/**
 * One clock for every call's RTP on the RTP thread: a tick every 20 ms on a grid fixed when the grid
 * was made, and every stream's packets on that grid (a stream starts at the next tick). One timer for
 * every call, not one per call. A tick can be cut into slots (`slots`): a stream joins the least used
 * slot and keeps it, so one wake sends a slot's calls, not all of them in one burst.
 *
 * A timer wakes the thread `earlyMs` before the tick (timers fire a millisecond or two off, on a
 * millisecond granularity), then the thread sleeps precisely to the tick (Atomics.wait: a real sleep,
 * no spinning) and sends. Packet n of a stream is due at tick first + n whatever happened before:
 * a late wake delays the packets then due (sent together on that wake), never the rest of the stream.
 */
import { FRAME_MS } from './rtp-stream.js';

/** The clock the grid runs on: real time on the RTP thread, driven by hand in tests. */
export interface GridClock {
  /** Monotonic milliseconds. */
  now(): number;
  schedule(callback: () => void, delayMs: number): { cancel(): void };
  /** Returns at `at` or just after, blocking the thread meanwhile (a short, precise sleep). */
  sleepUntil(at: number): void;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export const realGridClock: GridClock = {
  now: () => performance.now(),
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(timer) };
  },
  sleepUntil(at) {
    // Nobody ever notifies `sleeper`: each wait ends by its timeout, which takes fractions of a ms.
    for (let left = at - performance.now(); left > 0; left = at - performance.now()) {
      Atomics.wait(sleeper, 0, 0, left);
    }
  },
};

export interface GridOptions {
  /** How long before a tick its timer is set to fire (default 2 ms). */
  readonly earlyMs?: number;
  /**
   * Slots a tick is cut into (default 1: every stream on the tick itself). With n slots a stream
   * joins the least used one, its packets 20 / n ms × slot after each tick: one wake sends a slot's
   * streams, so a burst is a 1/n of the calls.
   */
  readonly slots?: number;
  /**
   * Each packet's send time minus its tick (ms), and how much that changed from the stream's packet
   * before (the sender's own RFC 3550 D: a constant lateness, such as a place in the tick's batch, is
   * no jitter); undefined for a stream's first packet.
   */
  readonly onSent?: (lateMs: number, changeMs: number | undefined) => void;
  /** Each timer's firing minus the time it was set for (the tick minus earlyMs), in ms. */
  readonly onWake?: (lateMs: number) => void;
}

export interface GridStream {
  /** Resolves when the last packet has been sent, or the stream was stopped (or its send threw). */
  readonly done: Promise<void>;
  stop(): void;
}

interface Entry {
  readonly count: number;
  /** The grid's tick index of packet 0. */
  readonly first: number;
  readonly slot: number;
  next: number;
  /** How late its previous packet left (ms). */
  lastLate: number | undefined;
  readonly send: (index: number) => void;
  readonly finish: () => void;
}

export class TickGrid {
  private readonly origin: number;
  private readonly streams = new Set<Entry>();
  private timer: { cancel(): void } | undefined;
  private readonly earlyMs: number;
  private readonly slotMs: number;
  /** Streams per slot. */
  private readonly load: number[];

  constructor(
    private readonly clock: GridClock = realGridClock,
    private readonly options: GridOptions = {},
  ) {
    this.origin = clock.now();
    this.earlyMs = options.earlyMs ?? 2;
    this.load = Array.from({ length: Math.max(1, options.slots ?? 1) }, () => 0);
    this.slotMs = FRAME_MS / this.load.length;
  }

  /** Streams currently paced. */
  get size(): number {
    return this.streams.size;
  }

  /** Paces `count` packets through `send(n)`: packet n at the stream's first tick + n × 20 ms. */
  add(count: number, send: (index: number) => void): GridStream {
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    if (count <= 0) {
      finish();
      return { done, stop: () => {} };
    }
    const slot = this.load.indexOf(Math.min(...this.load));
    const offset = this.clock.now() - this.origin - slot * this.slotMs;
    const first = Math.max(0, Math.ceil(offset / FRAME_MS));
    const entry: Entry = { count, first, slot, next: 0, lastLate: undefined, send, finish };
    this.load[slot] = (this.load[slot] ?? 0) + 1;
    this.streams.add(entry);
    this.arm();
    return { done, stop: () => this.remove(entry) };
  }

  /** When packet `index` of `entry` is due. */
  private at(entry: Entry, index: number): number {
    return this.origin + (entry.first + index) * FRAME_MS + entry.slot * this.slotMs;
  }

  private remove(entry: Entry): void {
    if (!this.streams.delete(entry)) return;
    this.load[entry.slot] = (this.load[entry.slot] ?? 1) - 1;
    entry.finish();
    if (this.streams.size === 0) {
      this.timer?.cancel();
      this.timer = undefined;
    }
  }

  /** When the earliest packet still to send is due. */
  private nextDue(): number {
    let due = Infinity;
    for (const entry of this.streams) due = Math.min(due, this.at(entry, entry.next));
    return due;
  }

  private arm(): void {
    if (this.timer !== undefined || this.streams.size === 0) return;
    const wakeAt = this.nextDue() - this.earlyMs;
    this.timer = this.clock.schedule(() => this.wake(wakeAt), wakeAt - this.clock.now());
  }

  private wake(wakeAt: number): void {
    this.timer = undefined;
    this.options.onWake?.(this.clock.now() - wakeAt);
    const due = this.nextDue();
    if (this.clock.now() < due) this.clock.sleepUntil(due);
    const now = this.clock.now();
    for (const entry of this.streams) {
      try {
        while (entry.next < entry.count && this.at(entry, entry.next) <= now) {
          const index = entry.next++;
          entry.send(index);
          const late = this.clock.now() - this.at(entry, index);
          const change = entry.lastLate === undefined ? undefined : Math.abs(late - entry.lastLate);
          entry.lastLate = late;
          this.options.onSent?.(late, change);
        }
      } catch {
        // One call's socket failing (closed under it) must not stop every other call's stream.
        entry.next = entry.count;
      }
      if (entry.next >= entry.count) this.remove(entry);
    }
    this.arm();
  }
}
