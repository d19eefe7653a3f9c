import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `vudumobile serve` running in a child process, as an operator starts it. */
export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  /** The key printed on the first start of an empty database (undefined on later starts). */
  readonly firstRunKey: string | undefined;
  readonly process: ChildProcess;
  /** Sends the signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The process's peak resident set (VmHWM of /proc/<pid>/status), in bytes. */
  peakRss(): Promise<number>;
  /** Everything it printed so far, stdout then stderr (its logs, for the tests that grep them). */
  output(): string;
}

export interface ChildServerOptions {
  /** Holds the SQLite file (`db.sqlite`) and the sandbox outbox (`outbox/`). */
  readonly dir: string;
  /** Run the compiled code in dist/ (npm run build) instead of the TypeScript sources through tsx. */
  readonly compiled?: boolean;
  readonly env?: Record<string, string>;
  readonly startTimeoutMs?: number;
}

/** POSTs form parameters to `<url>/api/<endpoint>` with this key; the parsed JSON answer. */
export async function callApi(
  url: string,
  key: string,
  endpoint: string,
  params: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers compare exact JSON
): Promise<any> {
  const response = await fetch(`${url}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'VUDUMOBILE-API-KEY': key },
    body: new URLSearchParams(params).toString(),
  });
  return response.json();
}

/** Starts the server on a free loopback port and resolves once it listens. */
export async function spawnServer(options: ChildServerOptions): Promise<ChildServer> {
  const args = options.compiled
    ? [join(ROOT, 'dist/cli/program.js'), 'serve']
    : ['--import', 'tsx', join(ROOT, 'src/cli/program.ts'), 'serve'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: `sqlite:${join(options.dir, 'db.sqlite')}`,
      // The first-run account sends from this number (an account without one can send no SMS).
      DEFAULT_SENDER: '15149541234',
      DATA_DIR: options.dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // The first-run account has quiet hours (21:00–08:00); these servers run at any hour.
      BROADCAST_IGNORE_QUIET_HOURS: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stderr: string[] = [];
  const stdout: string[] = [];
  child.stderr?.on('data', (data: Buffer) => stderr.push(data.toString()));
  child.stdout?.on('data', (data: Buffer) => stdout.push(data.toString()));

  let firstRunKey: string | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start: ${stderr.join('')}`)),
      options.startTimeoutMs ?? 30_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr.join('')}`));
    });
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      const key = /VUDUMOBILE-API-KEY: ([A-Za-z0-9]+)/.exec(line);
      if (key) firstRunKey = key[1];
      const address = /"msg":"VuduMobile API listening"/.test(line) && /"address":"([^"]+)"/.exec(line);
      if (address && address[1]) {
        clearTimeout(timer);
        // The first-run banner follows the listening line; give it a moment to arrive.
        setTimeout(() => resolve(address[1] ?? ''), 200);
      }
    });
  });
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    get firstRunKey() {
      return firstRunKey;
    },
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    output: () => stdout.join('') + stderr.join(''),
    async peakRss() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb === undefined ? 0 : Number(kb) * 1024;
    },
  };
}
