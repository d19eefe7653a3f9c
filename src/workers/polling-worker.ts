import type { Logger } from '../domain/ports/logger.js';
import { sleep, type Worker } from './worker.js';

/**
 * What a tick tells the loop: `true` it did some work (tick again at once), `false` it found none
 * (wait `idleMs`), a number: wait that many ms (a pause the tick chose). wake() ends either wait.
 */
export type TickResult = boolean | number;

/**
 * A worker that calls `tick` in a loop: at once again when the tick did some work, after `idleMs`
 * when it found none (or the wait the tick asked for), after `errorBackoffMs` when it failed
 * (logged; the loop goes on). stop() aborts the tick's signal and lets the running tick finish,
 * which is how in-flight work is committed or handed back.
 */
export class PollingWorker implements Worker {
  private readonly abort = new AbortController();
  /** Aborted by wake(): ends the current idle wait early. */
  private idle = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly log: Logger,
    private readonly tick: (signal: AbortSignal) => Promise<TickResult>,
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
      let worked: TickResult;
      try {
        worked = await this.tick(signal);
      } catch (error) {
        this.log.error({ err: error, worker: this.name }, 'worker tick failed; retrying');
        await sleep(this.errorBackoffMs, signal);
        continue;
      }
      if (worked !== true) {
        const wait = worked === false ? this.idleMs : worked;
        // A wake during the tick skips the wait; one that ends the wait is spent by ending it.
        if (!this.idle.signal.aborted && wait > 0)
          await sleep(wait, AbortSignal.any([signal, this.idle.signal]));
        if (this.idle.signal.aborted) this.idle = new AbortController();
      }
    }
  }
}
