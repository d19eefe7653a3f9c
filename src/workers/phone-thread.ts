import type { Worker } from 'node:worker_threads';
import type { NumberNormaliser } from '../domain/imports/import-rows.js';
import { spawnThread } from '../threads.js';

interface Waiting {
  resolve(numbers: (string | null)[]): void;
  reject(error: Error): void;
}

/**
 * One worker thread that normalises phone numbers for the importer, started on first use and ended
 * by close() so an idle server does not keep it. A thread that dies fails what it had in hand (the
 * import is retried) and the next call starts a new one.
 */
export class PhoneThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  /** The importer's NumberNormaliser, bound to this thread. */
  readonly normalise: NumberNormaliser = (raws, country) =>
    new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.start().postMessage({ id, raws, country });
    });

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnThread(new URL('./phone-thread-entry', import.meta.url), {
      // The thread holds only its batch in hand: a small young generation bounds its memory.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    });
    worker.on('message', (message: { id: number; numbers: (string | null)[] }) => {
      const waiting = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      waiting?.resolve(message.numbers);
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`phone thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}
