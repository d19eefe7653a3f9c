import type { Logger } from 'pino';
import { sleep, type Worker } from './worker.js';

/**
 * A worker that calls `tick` in a loop: at once again when the tick did some work, after `idleMs`
 * when it found none, after `errorBackoffMs` when it failed (logged; the loop goes on). stop()
 * lets the running tick finish, which is how in-flight work is committed or handed back.
 */
export class PollingWorker implements Worker {
  private readonly abort = new AbortController();
  /** Aborted by wake(): ends the current idle wait early. */
  private idle = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly log: Logger,
    private readonly tick: (signal: AbortSignal) => Promise<boolean>,
    private readonly idleMs: number,
    private readonly errorBackoffMs = 1000,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** New work was committed in this process: look now rather than after the idle wait. */
  wake(): void {
    this.idle.abort();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      let worked: boolean;
      try {
        worked = await this.tick(signal);
      } catch (error) {
        this.log.error({ err: error, worker: this.name }, 'worker tick failed; retrying');
        await sleep(this.errorBackoffMs, signal);
        continue;
      }
      if (!worked) {
        if (this.idle.signal.aborted) this.idle = new AbortController();
        else await sleep(this.idleMs, AbortSignal.any([signal, this.idle.signal]));
      }
    }
  }
}
