import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { configureSqlite, StatementCache } from './sqlite-connection.js';
import type { WriterRequest, WriterResponse } from './sqlite-writer-thread.js';
import {
  durabilityIsRelaxed,
  isLastStatement,
  takeOptimisticReads,
  writesAreUrgent,
} from './write-priority.js';

/**
 * SQLite for a server that answers after the data is on disk. better-sqlite3 is synchronous, so a
 * commit with synchronous=FULL would stop the event loop for the length of an fsync — on a shared
 * disk, milliseconds, during which no request is read. This dialect keeps two connections to the
 * one file:
 * - a writer in a worker thread, which runs every write and every transaction (reads inside a
 *   transaction included), one at a time: its fsyncs block only that thread;
 * - a reader on the main thread for plain SELECTs, which in WAL mode see the last committed state
 *   and never wait for the writer: they stay as fast as a synchronous call can be.
 * Queries are the ones Kysely's own SQLite dialect compiles; only where they run changes.
 */
export class ThreadedSqliteDialect implements Dialect {
  constructor(private readonly path: string) {}

  createDriver(): Driver {
    return new ThreadedSqliteDriver(this.path);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** An error thrown in the writer thread, with SQLite's code (e.g. SQLITE_CONSTRAINT_UNIQUE). */
export class SqliteThreadError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code: string | undefined,
    /** The transaction's BEGIN failed (the statement sent with it did not run). */
    readonly beginFailed = false,
    /** The writer ended the transaction (a lastStatement that failed: rolled back). */
    readonly ended = false,
  ) {
    super(message);
    this.name = name;
  }
}

/** The writer thread and the requests waiting for its answers. */
class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (r: WriterResponse) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private failure: Error | undefined;
  readonly ready: Promise<void>;
  private readonly exited: Promise<void>;

  constructor(path: string) {
    this.worker = startWorker(
      new URL(`./sqlite-writer-thread.${extensionOf(import.meta.url)}`, import.meta.url),
      {
        path,
      },
    );
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (message) =>
        message === 'ready' ? resolve() : reject(new Error(String(message))),
      );
      this.worker.once('error', reject);
    });
    this.worker.on('message', (message: WriterResponse | 'ready') => {
      if (message === 'ready') return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiting?.resolve(message);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('exit', () => this.fail(new Error('the SQLite writer thread exited')));
  }

  execute(sql: string, parameters: readonly unknown[], flags: WriteFlags): Promise<WriterResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: WriterRequest = {
        id,
        sql,
        parameters,
        ...(flags.begin ? { begin: true } : {}),
        ...(flags.commit ? { commit: true } : {}),
        ...(durabilityIsRelaxed() ? { relaxed: true } : {}),
      };
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    if (!this.failure) this.worker.postMessage('close');
    await this.exited;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** BEGIN before the statement (a transaction's first), COMMIT after it (its last: lastStatement). */
interface WriteFlags {
  readonly begin?: boolean;
  readonly commit?: boolean;
}

function extensionOf(url: string): 'ts' | 'js' {
  return url.endsWith('.ts') ? 'ts' : 'js';
}

/**
 * Compiled, the worker is a plain .js module. Run from source (tests, `tsx`), it is a .ts file, and
 * Node 20 does not pass `--import tsx` on to worker threads: the worker registers tsx itself first.
 */
function startWorker(entry: URL, workerData: unknown): Worker {
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * One writer at a time: a transaction holds it from BEGIN to COMMIT, a single write for itself.
 * Waiters marked urgent (urgentWrites: requests someone waits on) go before background work.
 */
class WriteLock {
  private readonly urgentQueue: (() => void)[] = [];
  private readonly queue: (() => void)[] = [];
  private held = false;

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    const queue = writesAreUrgent() ? this.urgentQueue : this.queue;
    await new Promise<void>((resolve) => queue.push(resolve));
  }

  release(): void {
    const next = this.urgentQueue.shift() ?? this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}

class ThreadedSqliteDriver implements Driver {
  private writer: WriterThread | undefined;
  private reader: SqliteDatabase.Database | undefined;
  private readerStatements: StatementCache | undefined;
  readonly writeLock = new WriteLock();

  constructor(private readonly path: string) {}

  async init(): Promise<void> {
    // The writer opens first: it puts the file in WAL mode before the reader attaches.
    this.writer = new WriterThread(this.path);
    await this.writer.ready;
    this.reader = new SqliteDatabase(this.path);
    configureSqlite(this.reader, 'reader');
    this.readerStatements = new StatementCache(this.reader);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutedConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutedConnection).end('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint "${name}"`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint "${name}"`));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.writer?.close();
    this.reader?.close();
  }

  /** A plain SELECT, run at once on the main thread's reader. */
  read<R>(query: CompiledQuery): QueryResult<R> {
    if (!this.readerStatements) throw new Error('the SQLite store is not open');
    return { rows: this.readerStatements.prepare(query.sql).all(query.parameters) as R[] };
  }

  readerStatement(sql: string): SqliteDatabase.Statement {
    if (!this.readerStatements) throw new Error('the SQLite store is not open');
    return this.readerStatements.prepare(sql);
  }

  /** Runs a statement on the writer thread (the caller holds the write lock). */
  async write<R>(
    sql: string,
    parameters: readonly unknown[],
    flags: WriteFlags = {},
  ): Promise<QueryResult<R>> {
    if (!this.writer) throw new Error('the SQLite store is not open');
    const response = await this.writer.execute(sql, parameters, flags);
    if (response.error) {
      const { name, message, code } = response.error;
      throw new SqliteThreadError(
        name,
        message,
        code,
        response.beginFailed === true,
        response.ended === true,
      );
    }
    if (response.rows) return { rows: response.rows.map(toBuffers) as R[] };
    return {
      rows: [],
      ...(response.changes === undefined ? {} : { numAffectedRows: BigInt(response.changes) }),
      ...(response.lastInsertRowid === undefined ? {} : { insertId: BigInt(response.lastInsertRowid) }),
    };
  }
}

/** Blobs cross the thread boundary as Uint8Array; the rest of the code expects Buffers. */
function toBuffers(row: unknown): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const record = row as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value))
      record[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return record;
}

/**
 * A transaction's state on its connection: BEGIN is not sent alone but with the first statement
 * (`pending` until then), which saves one round trip to the writer thread per transaction; a
 * transaction that ran no statement commits or rolls back without touching the file. A statement
 * marked lastStatement takes the COMMIT with it: the transaction is `ended` on its answer.
 */
type TransactionState = 'none' | 'pending' | 'open' | 'failed' | 'ended';

class RoutedConnection implements DatabaseConnection {
  private state: TransactionState = 'none';
  /** This transaction reads on the main thread until its first write (optimisticReads). */
  private optimistic = false;

  constructor(private readonly driver: ThreadedSqliteDriver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.state === 'pending') {
      // Before its first write, an optimistic transaction reads on this thread (optimisticReads).
      if (this.optimistic && SelectQueryNode.is(query.query)) return this.driver.read<R>(query);
      return this.inTransaction<R>(query, true);
    }
    if (this.state === 'open') return this.inTransaction<R>(query, false);
    if (this.state === 'failed') throw new Error('the SQLite transaction could not begin');
    if (this.state === 'ended') throw new Error('the SQLite transaction ran its last statement already');
    if (SelectQueryNode.is(query.query)) return this.driver.read<R>(query);
    await this.driver.writeLock.acquire();
    try {
      return await this.driver.write<R>(query.sql, query.parameters);
    } finally {
      this.driver.writeLock.release();
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (this.state !== 'none' || !SelectQueryNode.is(query.query))
      throw new Error('only plain SELECTs outside a transaction can be streamed');
    for (const row of this.driver.readerStatement(query.sql).iterate(query.parameters)) {
      yield { rows: [row as R] };
    }
  }

  async begin(): Promise<void> {
    this.optimistic = takeOptimisticReads();
    await this.driver.writeLock.acquire();
    // IMMEDIATE (sent with the first statement) takes the write lock then: no later upgrade can fail
    // halfway through.
    this.state = 'pending';
  }

  async end(verb: 'commit' | 'rollback'): Promise<void> {
    const state = this.state;
    try {
      if (state === 'open') await this.driver.write(verb, []);
      else if (state === 'failed' && verb === 'commit')
        throw new Error('the SQLite transaction could not begin');
      // 'ended': the writer committed with the last statement, or rolled back when it failed (its
      // caller saw that error, so Kysely rolls back here). Nothing is left to send.
    } finally {
      this.state = 'none';
      this.optimistic = false;
      this.driver.writeLock.release();
    }
  }

  /** A statement of the transaction; the first brings the BEGIN, a lastStatement the COMMIT. */
  private async inTransaction<R>(query: CompiledQuery, begin: boolean): Promise<QueryResult<R>> {
    const commit = isLastStatement();
    try {
      const result = await this.driver.write<R>(query.sql, query.parameters, { begin, commit });
      this.state = commit ? 'ended' : 'open';
      return result;
    } catch (error) {
      if (error instanceof SqliteThreadError && error.beginFailed) this.state = 'failed';
      else if (error instanceof SqliteThreadError && error.ended) this.state = 'ended';
      else this.state = 'open';
      throw error;
    }
  }
}
