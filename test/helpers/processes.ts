import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateApiKey, hashApiKey, maskApiKey } from '../../src/domain/accounts/api-keys.js';
import { createAccount } from '../../src/store/accounts/accounts-repo.js';
import { openStore, type Store } from '../../src/store/database.js';
import { insertApiKey } from '../../src/store/accounts/keys-repo.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertUser } from '../../src/store/users/users-repo.js';
import { testUser } from './users.js';
import type { DuplicateSubmit, SmscSimStats } from '../../src/transport/smsc-sim/smsc-sim.js';

/**
 * Processes of a multi-process test, run as an operator runs them: `node bin/vudumobile.js …` (the
 * compiled CLI, which `npm ci` builds), each on a free loopback port.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/vudumobile.js');

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last lines it printed (stdout and stderr), for a failing assertion's message. */
  tail(): string;
  /** Every log line of level warn or above it printed. */
  warnings(): string[];
  /** Sends the signal (SIGTERM: a clean stop) and resolves with the exit code once it exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns the CLI with `args`; resolves once a line matches `ready`, with that line's match. */
export async function spawnCli(
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ process: RunningProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const warnings: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const remember = (line: string): void => {
    lines.push(line);
    if (lines.length > 200) lines.shift();
    if (/^\{"level":[4-6]0,/.test(line)) warnings.push(line);
  };
  createInterface({ input: child.stderr ?? process.stdin }).on('line', remember);
  const running: RunningProcess = {
    child,
    pid: child.pid ?? 0,
    tail: () => lines.join('\n'),
    warnings: () => warnings,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')}: not ready:\n${running.tail()}`)),
      timeoutMs,
    );
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${running.tail()}`));
    });
    createInterface({ input: child.stdout ?? process.stdin }).on('line', (line) => {
      remember(line);
      const found = ready.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return { process: running, match };
}

/** `serve --role worker`, resolved once its workers run. */
export async function spawnWorker(env: Record<string, string>): Promise<RunningProcess> {
  const { process: worker } = await spawnCli(
    ['serve', '--role', 'worker'],
    env,
    /"msg":"VuduMobile worker running"/,
  );
  return worker;
}

/** `serve --role api` on a free port, resolved with its base URL once it listens. */
export async function spawnApi(env: Record<string, string>): Promise<RunningProcess & { url: string }> {
  const { process: api, match } = await spawnCli(
    ['serve', '--role', 'api'],
    { PORT: '0', HOST: '127.0.0.1', ...env },
    /"msg":"VuduMobile API listening".*"address":"([^"]+)"|"address":"([^"]+)".*"msg":"VuduMobile API listening"/,
  );
  return Object.assign(api, { url: match[1] ?? match[2] ?? '' });
}

export interface SimStatsFile {
  readonly stats: SmscSimStats;
  /** Accepted submits per bind system_type. */
  readonly acceptedBy: Record<string, number>;
  readonly duplicates: DuplicateSubmit[];
}

/** The SMSC simulator as a child process, its counts read from its --stats-file. */
export interface SimProcess extends RunningProcess {
  readonly port: number;
  readStats(): Promise<SimStatsFile>;
}

export async function spawnSim(dir: string, args: readonly string[] = []): Promise<SimProcess> {
  const statsFile = join(dir, `sim-stats-${Date.now()}.json`);
  const { process: sim, match } = await spawnCli(
    ['--json', 'smsc-sim', '--port', '0', '--stats-file', statsFile, ...args],
    {},
    /"event":"listening".*"port":(\d+)/,
  );
  return Object.assign(sim, {
    port: Number(match[1]),
    async readStats(): Promise<SimStatsFile> {
      return JSON.parse(await readFile(statsFile, 'utf8')) as SimStatsFile;
    },
  });
}

/**
 * Migrates the database and creates an account with a sender and a loopback API key, as `vudumobile
 * migrate` and `account create` would; returns the store (for assertions) and the key.
 */
export async function prepareAccount(
  databaseUrl: string,
  sender = '15149541234',
): Promise<{ store: Store; accountId: number; key: string }> {
  const store = openStore(databaseUrl);
  await migrateToLatest(store);
  const now = Date.now();
  const accountId = await createAccount(
    store.db,
    { name: 'Scale', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [sender] },
    now,
  );
  const key = generateApiKey();
  await insertApiKey(
    store.db,
    { accountId, keyHash: hashApiKey(key), masked: maskApiKey(key), allowedIps: ['127.0.0.1', '::1'] },
    now,
  );
  await insertUser(store.db, testUser(accountId, 'scale@example.com'), now);
  return { store, accountId, key };
}

/** POSTs a form to /api/<endpoint> with the key; the parsed JSON answer and the status. */
export async function callApi(
  baseUrl: string,
  key: string,
  endpoint: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'VUDUMOBILE-API-KEY': key },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
