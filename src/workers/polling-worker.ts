import type { Logger } from 'pino';
import { sleep, type Worker } from './worker.js';

/**
 * A worker that calls `tick` in a loop: at once again when the tick did some work, after `idleMs`
 * when it found none, after `errorBackoffMs` when it failed (logged; the loop goes on). stop()
 * lets the running tick finish, which is how in-flight work is committed or handed back.
 */
export class PollingWorker implements Worker {
  private readonly abort = new AbortController();
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
      if (!worked) await sleep(this.idleMs, signal);
    }
  }
}
