/**
 * A background loop that claims durable work from the store. start() returns at once; stop()
 * resolves when in-flight work is finished (or handed back through its lease).
 */
export interface Worker {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/** Sleeps for `ms`, waking early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
