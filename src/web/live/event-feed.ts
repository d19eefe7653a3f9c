import type { AccountEvent, AccountEventsService } from '../../domain/messages/account-events.js';
import { EventCursor } from '../../domain/messages/event-cursor.js';
import type { Logger } from '../../domain/ports/logger.js';

/** How often the feed reads the account events while pages are open. */
export const FEED_POLL_MS = 200;
/** Rows per read: a full read is followed by another at once. */
const READ_LIMIT = 2000;

/** What a page's stream is given: its account's new events, and up to where every event was read. */
export type FeedListener = (events: readonly AccountEvent[], settled: number) => void;

/**
 * The account events of every process, read by one poll per process (not per open page) and handed
 * in memory to the open pages of each event's account. It runs only while pages listen. Events come
 * through the database rather than process memory because the process that records a receipt or an
 * inbound message (a worker) is rarely the one serving the page (an api process).
 */
export class EventFeed {
  private readonly listeners = new Map<number, Set<FeedListener>>();
  private cursor: EventCursor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly events: AccountEventsService,
    private readonly log: Logger,
    private readonly pollMs = FEED_POLL_MS,
  ) {}

  /** Starts delivering `accountId`'s events to `listener`; call the answer to stop. */
  subscribe(accountId: number, listener: FeedListener): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(listener);
    this.schedule(0);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(accountId);
    };
  }

  /** Up to where every event was read (0 before the first read): a page's replay point. */
  settled(): number {
    return this.cursor?.settled() ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped || this.timer || this.running || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.poll().then((full) => {
        this.running = undefined;
        this.schedule(full ? 0 : this.pollMs);
      });
    }, delay);
  }

  /** One read; resolves whether it was full (more to read at once). */
  private async poll(): Promise<boolean> {
    let full = false;
    try {
      // A feed that was idle starts from now: pages replay what they missed from their own cursor.
      if (!this.cursor) this.cursor = new EventCursor(await this.events.latestId());
      const cursor = this.cursor;
      const rows = await this.events.read(cursor.afterId, cursor.missing(), READ_LIMIT);
      full = rows.length === READ_LIMIT;
      const fresh = cursor.accept(rows, Date.now());
      if (fresh.length > 0) this.deliver(fresh, cursor.settled());
    } catch (error) {
      this.log.error({ err: error }, 'account events feed: read failed; retrying');
    }
    if (this.listeners.size === 0) this.cursor = undefined;
    return full;
  }

  private deliver(events: readonly AccountEvent[], settled: number): void {
    const byAccount = new Map<number, AccountEvent[]>();
    for (const event of events) {
      if (!this.listeners.has(event.accountId)) continue;
      let list = byAccount.get(event.accountId);
      if (!list) byAccount.set(event.accountId, (list = []));
      list.push(event);
    }
    for (const [accountId, list] of byAccount) {
      for (const listener of this.listeners.get(accountId) ?? []) {
        try {
          listener(list, settled);
        } catch (error) {
          this.log.error({ err: error, accountId }, 'account events feed: a page listener failed');
        }
      }
    }
  }
}
