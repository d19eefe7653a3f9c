import { PostgresAdapter, sql, type Expression, type QueryExecutor, type SqlBool } from 'kysely';

/** A Kysely handle or transaction, of any schema. */
interface Handle {
  getExecutor(): QueryExecutor;
}

/** Whether this handle (or transaction) talks to PostgreSQL. */
export function onPostgres(db: Handle): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * `column IN (…values)` for the hot paths that test hundreds of ids or keys at once. On PostgreSQL
 * the list goes as one array parameter (`= any($1)`): one value for Kysely to compile and the
 * driver to send, where `IN ($1 … $500)` costs both (and PostgreSQL's parser) per element. SQLite,
 * in process, keeps the plain list.
 */
export function inList(
  db: Handle,
  column: string,
  values: readonly (number | string)[],
): Expression<SqlBool> {
  if (onPostgres(db)) return sql<SqlBool>`${sql.ref(column)} = any(${[...values]})`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values)})`;
}

/**
 * Values per `inList` statement: SQLite binds each one (its limit is 32,766 parameters, and long
 * lists make many statement shapes to cache); PostgreSQL takes any array as one parameter.
 */
export function listChunkSize(db: Handle): number {
  return onPostgres(db) ? 10_000 : 500;
}
