import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Whether this code runs as TypeScript sources (tsx: tests, development) rather than compiled. */
const RUNS_TYPESCRIPT = import.meta.url.endsWith('.ts');

/**
 * Starts a worker thread on `entry`, a module path without its extension (`new URL('./x-entry',
 * import.meta.url)`). Compiled, the thread runs the .js file. Under tsx a thread does not inherit
 * tsx's loader, so a two-line bootstrap registers it before loading the TypeScript source.
 */
export function spawnThread(entry: URL, options: WorkerOptions = {}): Worker {
  if (!RUNS_TYPESCRIPT) return new Worker(new URL(`${entry.href}.js`), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `${entry.href}.ts`;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
