/**
 * The RTP media of every call of a transport, on one worker thread (rtp-thread-entry.ts). The thread
 * owns the calls' UDP sockets and paces their packets; this side only tells it what to play where.
 * Why a thread: on the main thread a garbage collection or a burst of API requests stalls every
 * stream at once (bench:voice measured 25 ms of jitter p99 with 50 calls); the thread's event loop does
 * nothing but send packets on time. A thread that dies fails the calls it carried (each hangs up)
 * and the next call starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { spawnThread } from '../../threads.js';
import type { RemoteMedia } from './sdp.js';

export interface MediaTarget {
  readonly address: string;
  readonly port: number;
}

/** What the main thread asks of the RTP thread, per session id. */
export type RtpCommand =
  | { readonly op: 'open'; readonly id: number; readonly address: string }
  | {
      readonly op: 'play';
      readonly id: number;
      readonly encoded: Uint8Array;
      readonly silence: number;
      readonly payloadType: number;
      readonly to: MediaTarget;
    }
  | { readonly op: 'send-to'; readonly id: number; readonly to: MediaTarget }
  | { readonly op: 'stop'; readonly id: number }
  | { readonly op: 'close'; readonly id: number }
  | { readonly op: 'stats'; readonly id: typeof THREAD_ID };

/** The id of requests about the thread itself; sessions count from 1. */
const THREAD_ID = 0;

/** How late something happened against its schedule, over every occurrence so far (ms). */
export interface Lateness {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The pacing as the thread saw it: each packet's send time against its tick (`sent`), how much
 * that changed from the same stream's packet before (`sentChange`: RFC 3550's D of the sent stream,
 * what a receiver would see over a perfect network), and each timer's firing against the time it
 * was set for (`wakes`: how well the OS scheduled the thread; lateness under the early margin is
 * absorbed).
 */
export interface PacingStats {
  readonly sent: Lateness;
  readonly sentChange: Lateness;
  readonly wakes: Lateness;
}

/** What the RTP thread answers: a session's port, the end of its prompt, its socket closed, a failure. */
export type RtpEvent =
  | { readonly op: 'opened'; readonly id: number; readonly port: number }
  | { readonly op: 'played'; readonly id: number }
  | { readonly op: 'closed'; readonly id: number }
  | { readonly op: 'failed'; readonly id: number; readonly error: string }
  | ({ readonly op: 'stats'; readonly id: typeof THREAD_ID } & PacingStats);

interface Pending {
  resolve(event: RtpEvent): void;
  reject(error: Error): void;
}

export class RtpThread {
  private worker: Worker | undefined;
  private nextId = THREAD_ID + 1;
  /** Per session id, whoever awaits its next answer (open, play or close: one at a time). */
  private readonly pending = new Map<number, Pending>();

  /**
   * Starts the thread ahead of the first call (loading it takes about a second under tsx, which
   * compiles its TypeScript; a few tens of ms compiled), so no call's answer waits for it.
   */
  warm(): void {
    this.start();
  }

  /** How late packets left and timers fired, since the thread started. */
  async pacingStats(): Promise<PacingStats> {
    const event = await this.request({ op: 'stats', id: THREAD_ID });
    if (event.op !== 'stats') throw new Error(`RTP thread: unexpected ${event.op}`);
    return { sent: event.sent, sentChange: event.sentChange, wakes: event.wakes };
  }

  /** Binds a session's socket in the thread; its id and the local port for the SDP offer. */
  async open(address: string): Promise<{ id: number; port: number }> {
    const id = this.nextId++;
    const event = await this.request({ op: 'open', id, address });
    if (event.op !== 'opened') throw new Error(`RTP thread: unexpected ${event.op}`);
    return { id, port: event.port };
  }

  /** Streams the encoded prompt; resolves once its last packet left, or it was stopped. */
  async play(id: number, encoded: Buffer, silence: number, media: RemoteMedia): Promise<void> {
    const to = { address: media.address, port: media.port };
    await this.request({ op: 'play', id, encoded, silence, payloadType: media.payloadType, to });
  }

  sendTo(id: number, media: RemoteMedia): void {
    this.worker?.postMessage({ op: 'send-to', id, to: { address: media.address, port: media.port } });
  }

  stop(id: number): void {
    this.worker?.postMessage({ op: 'stop', id } satisfies RtpCommand);
  }

  async close(id: number): Promise<void> {
    if (this.worker === undefined) return;
    // A play in progress ends with the stop that closing implies: its waiter is answered first.
    await this.request({ op: 'close', id }, true).catch(() => undefined);
  }

  /** Ends the thread (the transport closed: every session has closed by then, or is abandoned). */
  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private request(command: RtpCommand, replacesWaiter = false): Promise<RtpEvent> {
    return new Promise<RtpEvent>((resolve, reject) => {
      const previous = this.pending.get(command.id);
      if (previous && !replacesWaiter) return reject(new Error('RTP thread: a request is in progress'));
      previous?.resolve({ op: 'played', id: command.id });
      this.pending.set(command.id, { resolve, reject });
      const worker = this.start();
      // Awaited answers keep the process alive; an idle thread does not.
      worker.ref();
      worker.postMessage(command);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // The thread holds a few prompts (about 100 KB each) and packets: a small heap.
    const worker = spawnThread(new URL('./rtp-thread-entry', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    });
    worker.on('message', (event: RtpEvent) => {
      const waiter = this.pending.get(event.id);
      if (waiter === undefined) return;
      this.pending.delete(event.id);
      if (this.pending.size === 0) worker.unref();
      if (event.op === 'failed') waiter.reject(new Error(event.error));
      else waiter.resolve(event);
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the RTP thread exited (${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
