import type { Logger } from 'pino';
import type { ImportService } from '../domain/imports/import-service.js';
import { PhoneThread } from './phone-thread.js';
import { PollingWorker } from './polling-worker.js';
import type { Worker } from './worker.js';

/**
 * The CSV importer: a loop over ImportService.importNext, one import at a time, with the phone
 * numbers normalised on a worker thread. The thread is ended whenever the loop finds nothing to do,
 * so an idle server gives its memory back; stop() lets the batch being written commit.
 */
export class ImporterWorker implements Worker {
  readonly name = 'importer';
  private readonly phones = new PhoneThread();
  private readonly loop: PollingWorker;

  constructor(imports: ImportService, log: Logger, pollMs = 500) {
    this.loop = new PollingWorker(
      this.name,
      log,
      async (stopping) => {
        const worked = await imports.importNext(stopping, this.phones.normalise);
        if (!worked) await this.phones.close();
        return worked;
      },
      pollMs,
      pollMs,
    );
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.phones.close();
  }
}
