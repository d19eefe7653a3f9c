/**
 * The SQLite writer thread (see sqlite-threaded.ts): owns the connection every write and every
 * transaction goes through, so that a commit's fsync (synchronous=FULL) blocks this thread, never
 * the one serving HTTP. It runs the statements it is sent, one at a time, in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { configureSqlite, StatementCache } from './sqlite-connection.js';

export interface WriterRequest {
  readonly id: number;
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** Run `begin immediate` first: a transaction's BEGIN rides on its first statement (one hop less). */
  readonly begin?: boolean;
  /** Commit this write (or the transaction it begins) at synchronous=NORMAL (relaxedDurability). */
  readonly relaxed?: boolean;
  /**
   * The transaction's last statement (lastStatement): COMMIT after it, or ROLLBACK if it failed, so
   * that the answer says whether the transaction committed.
   */
  readonly commit?: boolean;
}

export interface WriterResponse {
  readonly id: number;
  readonly rows?: unknown[];
  readonly changes?: number;
  readonly lastInsertRowid?: number | bigint;
  readonly error?: { readonly name: string; readonly message: string; readonly code?: string };
  /** With `begin`: the BEGIN itself failed, the statement did not run and no transaction is open. */
  readonly beginFailed?: boolean;
  /** With `commit`: no transaction is open any more (committed, or rolled back after an error). */
  readonly ended?: boolean;
}

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
const { path } = workerData as { path: string };

const sqlite = new SqliteDatabase(path);
configureSqlite(sqlite, 'writer');
const statements = new StatementCache(sqlite);

port.on('message', (message: WriterRequest | 'close') => {
  if (message === 'close') {
    sqlite.close();
    port.close();
    return;
  }
  port.postMessage(run(message));
});
port.postMessage('ready');

/** The connection's synchronous setting: FULL except for the writes marked relaxed. */
let synchronous: 'FULL' | 'NORMAL' = 'FULL';

function run(request: WriterRequest): WriterResponse {
  // Set between transactions only: a transaction commits with the setting it began with.
  if (!sqlite.inTransaction) {
    const wanted = request.relaxed ? 'NORMAL' : 'FULL';
    if (wanted !== synchronous) {
      sqlite.pragma(`synchronous = ${wanted}`);
      synchronous = wanted;
    }
  }
  if (request.begin) {
    const began = execute({ id: request.id, sql: 'begin immediate', parameters: [] });
    if (began.error) return { ...began, beginFailed: true };
  }
  const result = execute(request);
  if (!request.commit) return result;
  // SQLite may have rolled back already (an error such as SQLITE_FULL ends the transaction).
  if (!sqlite.inTransaction) return { ...result, ended: true };
  const ended = execute({ id: request.id, sql: result.error ? 'rollback' : 'commit', parameters: [] });
  // A COMMIT that failed (SQLITE_BUSY) leaves the transaction open: end it, nothing may stay half-done.
  if (ended.error && sqlite.inTransaction) execute({ id: request.id, sql: 'rollback', parameters: [] });
  return { ...(result.error || !ended.error ? result : ended), ended: true };
}

function execute({ id, sql, parameters }: WriterRequest): WriterResponse {
  try {
    const statement = statements.prepare(sql);
    if (statement.reader) return { id, rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { id, changes, lastInsertRowid };
  } catch (error) {
    const { name, message, code } = error as { name?: string; message?: string; code?: unknown };
    return {
      id,
      error: {
        name: name ?? 'Error',
        message: message ?? String(error),
        ...(typeof code === 'string' ? { code } : {}),
      },
    };
  }
}
