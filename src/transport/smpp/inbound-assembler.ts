/**
 * Reassembles concatenated inbound SMS. Parts are keyed by sender, recipient, reference and count;
 * the message is complete when every sequence number arrived. None of its deliver_sm is answered
 * before then (the caller answers them all once the whole message is committed), so a crash loses
 * nothing: the SMSC delivers the unanswered parts again.
 *
 * If a part never comes, the message goes out after `timeoutMs` with the parts that did arrive, so
 * an SMSC waiting on its answers is not held forever and no received text is thrown away.
 */
import type { Reply } from './smpp-link.js';
import type { ConcatInfo } from './sms-encoding.js';

/** One received deliver_sm of a user message. */
export interface InboundPart {
  readonly from: string;
  readonly to: string;
  readonly dataCoding: number;
  /** The message bytes without UDH. */
  readonly body: Buffer;
  readonly concat: ConcatInfo | undefined;
  readonly receivedAt: number;
  readonly reply: Reply;
}

/** A whole message: its parts in order (fewer than announced when the wait timed out). */
export interface AssembledMessage {
  readonly parts: readonly InboundPart[];
  /** Every part arrived (false after a timeout). */
  readonly complete: boolean;
  /** Replies of every deliver_sm that carried it, duplicates included. */
  readonly replies: readonly Reply[];
}

interface Pending {
  readonly parts: Map<number, InboundPart>;
  readonly replies: Reply[];
  readonly total: number;
  readonly timer: NodeJS.Timeout;
}

/** Beyond this many messages awaiting parts, the oldest goes out incomplete (bounded memory). */
const MAX_PENDING = 10_000;

export class InboundAssembler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly timeoutMs: number,
    private readonly emit: (message: AssembledMessage) => void,
  ) {}

  add(part: InboundPart): void {
    const concat = part.concat;
    if (!concat || concat.total < 2 || concat.sequence < 1 || concat.sequence > concat.total) {
      this.emit({ parts: [part], complete: true, replies: [part.reply] });
      return;
    }
    const key = `${part.from}|${part.to}|${concat.reference}|${concat.total}`;
    let entry = this.pending.get(key);
    if (entry === undefined) {
      if (this.pending.size >= MAX_PENDING) this.flushOldest();
      entry = {
        parts: new Map(),
        replies: [],
        total: concat.total,
        timer: setTimeout(() => this.finish(key), this.timeoutMs),
      };
      this.pending.set(key, entry);
    }
    // A part sent again (the SMSC retried) replaces the earlier copy; both deliver_sm get answered.
    entry.parts.set(concat.sequence, part);
    entry.replies.push(part.reply);
    if (entry.parts.size === entry.total) this.finish(key);
  }

  /** Forgets partial messages without answering them: the SMSC will deliver them again. */
  clear(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }

  private flushOldest(): void {
    const oldest = this.pending.keys().next().value;
    if (oldest !== undefined) this.finish(oldest);
  }

  private finish(key: string): void {
    const entry = this.pending.get(key);
    if (entry === undefined) return;
    this.pending.delete(key);
    clearTimeout(entry.timer);
    const parts = [...entry.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
    this.emit({ parts, complete: parts.length === entry.total, replies: entry.replies });
  }
}
