/**
 * The simulator's store-and-forward of deliver_sm (receipts and MO), as an SMSC does it: each waits
 * for a bound receiver of its ESME, at most `window` unanswered per session; one answered with an
 * error is delivered again after `retryDelayMs`; one unanswered when its session dies is delivered
 * again on the next bind. So an ESME that acknowledges before storing is what loses messages, never
 * the simulator.
 */
import { createPdu, type PduFields, type SmppSession } from '../smpp/smpp-lib.js';

export interface Delivery {
  readonly fields: PduFields;
  readonly kind: 'receipt' | 'mo';
  /** The ESME to deliver to; undefined = any bound receiver. */
  readonly systemId: string | undefined;
  /** Called once, when the ESME answers OK. */
  readonly acked?: () => void;
}

/** A session able to receive (transceiver or receiver). */
export interface ReceiverSession {
  readonly session: SmppSession;
  readonly systemId: string;
  readonly inFlight: Map<number, Delivery>;
}

export interface DeliveryCounters {
  onSent(delivery: Delivery): void;
  onAnswered(delivery: Delivery, status: number): void;
}

const ANY = '\u0000any';

/** FIFO with a moving head: shift() stays O(1) with 100,000 receipts waiting. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class SimDeliveries {
  private readonly queues = new Map<string, Fifo<Delivery>>();
  private readonly receivers = new Set<ReceiverSession>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly window: number,
    private readonly retryDelayMs: number,
    private readonly counters: DeliveryCounters,
  ) {}

  enqueue(delivery: Delivery): void {
    const key = delivery.systemId ?? ANY;
    let queue = this.queues.get(key);
    if (queue === undefined) this.queues.set(key, (queue = new Fifo()));
    queue.push(delivery);
    this.pump();
  }

  /** Delivers `delivery` after `ms` (a receipt's delay, a retry's wait). */
  later(delivery: Delivery, ms: number): void {
    if (ms <= 0) return this.enqueue(delivery);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.enqueue(delivery);
    }, ms);
    this.timers.add(timer);
  }

  bound(receiver: ReceiverSession): void {
    this.receivers.add(receiver);
    this.pump();
  }

  /** The session is gone: whatever it left unanswered is delivered again. */
  closed(receiver: ReceiverSession): void {
    if (!this.receivers.delete(receiver)) return;
    const unanswered = [...receiver.inFlight.values()];
    receiver.inFlight.clear();
    for (const delivery of unanswered) this.enqueue(delivery);
  }

  answered(receiver: ReceiverSession, sequence: number, status: number): void {
    const delivery = receiver.inFlight.get(sequence);
    if (delivery === undefined) return;
    receiver.inFlight.delete(sequence);
    this.counters.onAnswered(delivery, status);
    if (status === 0) delivery.acked?.();
    else this.later(delivery, this.retryDelayMs);
    this.pump();
  }

  get waiting(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queues.clear();
    this.receivers.clear();
  }

  private pump(): void {
    for (const receiver of this.receivers) {
      const own = this.queues.get(receiver.systemId);
      const any = this.queues.get(ANY);
      while (receiver.inFlight.size < this.window) {
        const queue = own && own.length > 0 ? own : any;
        const delivery = queue?.shift();
        if (queue === undefined || delivery === undefined) break;
        const pdu = createPdu('deliver_sm', delivery.fields);
        if (!receiver.session.send(pdu)) {
          // Not writable: the close handler is about to run; put it back for the next receiver.
          queue.unshift(delivery);
          break;
        }
        receiver.inFlight.set(pdu.sequence_number, delivery);
        this.counters.onSent(delivery);
      }
    }
  }
}
