import { join } from 'node:path';
import { openStore } from '../../src/store/database.js';
import { runLoad } from './harness.js';
import type { LoadResult } from './load-generator.js';
import { openDrillWorkspace, startServer } from './server-process.js';

/**
 * The `send` drill: closed-loop load from a generator in its own process, spread round-robin over
 * `apiProcesses` real `serve --role api` processes on one database (a fresh SQLite file, or a fresh
 * PostgreSQL database created for the run). Each 200 means the message is committed: the drill
 * checks at the end that the table holds at least every message answered.
 */
export interface SendDrillOptions {
  /** postgres://… administrative URL; default a fresh SQLite file. */
  readonly databaseUrl?: string;
  readonly apiProcesses: number;
  readonly seconds: number;
  readonly connections: number;
}

export interface SendDrillResult {
  readonly load: LoadResult;
  readonly stored: number;
}

export async function runSendDrill(options: SendDrillOptions): Promise<SendDrillResult> {
  const workspace = await openDrillWorkspace(options.databaseUrl, 'bench-send');
  const { dir, database, servers } = workspace;
  try {
    for (let i = 0; i < options.apiProcesses; i++) {
      const key = servers[0]?.key;
      servers.push(
        await startServer({
          databaseUrl: database.url,
          dataDir: join(dir, `data-${i}`),
          args: ['--role', 'api'],
          ...(key ? { key } : {}),
        }),
      );
    }
    const key = servers[0]?.key ?? '';
    const urls = servers.map((s) => `${s.url}/api/send`);
    const spec = {
      url: urls[0] ?? '',
      urls,
      bodies: Array.from(
        { length: 1000 },
        (_, i) => `to=${15142000000 + i}&message=Votre+code+est+${100000 + i}`,
      ),
      headers: { 'VUDUMOBILE-API-KEY': key },
      connections: options.connections,
    };
    const warmup = runLoad({ ...spec, seconds: 2 });
    const load = runLoad({ ...spec, seconds: options.seconds });
    const store = openStore(database.url);
    try {
      const row = await store.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const stored = Number(row.n);
      const answered =
        warmup.requests - warmup.non200 - warmup.errors + load.requests - load.non200 - load.errors;
      if (stored < answered) throw new Error(`${answered} sends answered 200 but only ${stored} stored`);
      return { load, stored };
    } finally {
      await store.close();
    }
  } finally {
    await workspace.dispose();
  }
}
