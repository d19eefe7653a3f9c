import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, type TestDatabase } from '../../test/helpers/database.js';

/** Shared by the benchmarks: a compiled server in its own process, and medians. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  /** Empty for a `--role worker` process, which does not listen. */
  readonly url: string;
  readonly key: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/cli/program.js serve` on a fresh database (first run: it prints the key it
 * created) and waits until it listens, or for `--role worker` until its workers run.
 * `npm run build` must have run.
 */
export async function startServer(options: {
  databaseUrl: string;
  dataDir: string;
  args?: readonly string[];
  env?: Record<string, string>;
  /** The key to use when the database already has accounts (no first-run key is printed). */
  key?: string;
}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    // DRILL_NODE_ARGS (as in smpp-drill.ts): flags for the server processes' node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    [
      ...(process.env.DRILL_NODE_ARGS ?? '').split(' ').filter(Boolean),
      'dist/cli/program.js',
      'serve',
      '--port',
      '0',
      ...(options.args ?? []),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: options.dataDir,
        LOG_LEVEL: 'info',
        // The first-run account has quiet hours (21:00–08:00); drills run at any hour.
        BROADCAST_IGNORE_QUIET_HOURS: '1',
        // The first-run account's sender: an account without a number can send no SMS.
        DEFAULT_SENDER: '15149541234',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let url = '';
  let key = options.key ?? '';
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    lines.on('line', (line) => {
      const keyMatch = /VUDUMOBILE-API-KEY: (\w+)/.exec(line);
      if (keyMatch?.[1] && !key) key = keyMatch[1];
      if (line.startsWith('{')) {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'VuduMobile API listening' && entry.address) url = entry.address;
        if (entry.msg === 'VuduMobile worker running') return resolve();
      }
      if (url && key) resolve();
    });
  });
  return {
    url,
    key,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A drill's scratch directory, its fresh database, and the servers it starts on that database. */
export interface DrillWorkspace {
  readonly dir: string;
  readonly database: TestDatabase;
  /** Push each started server here: dispose() stops them, last started first. */
  readonly servers: ServerProcess[];
  /** Stops the servers, drops the database, removes the directory. */
  dispose(): Promise<void>;
}

/**
 * A fresh SQLite file in a new directory, or, with `postgresUrl` (an administrative postgres://
 * URL), a new PostgreSQL database named after `name`.
 */
export async function openDrillWorkspace(
  postgresUrl: string | undefined,
  name: string,
): Promise<DrillWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), `vudumobile-${name}-`));
  const database: TestDatabase = postgresUrl
    ? await createPostgresDatabase(postgresUrl, `vudumobile_${name.replace(/\W/g, '_')}`)
    : { url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => {} };
  const servers: ServerProcess[] = [];
  return {
    dir,
    database,
    servers,
    async dispose() {
      for (const server of [...servers].reverse()) await server.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

export function table(rows: readonly (readonly (string | number)[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => String(cell).padStart(widths[i] ?? 0)).join('  ')).join('\n');
}
