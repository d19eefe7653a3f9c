import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../transaction.js';

/** The PostgreSQL array types the bulk statements bind. */
type ArrayType = 'bigint' | 'integer' | 'text';

/** Each column of a bulk statement: its array type and how a row gives its value (null for none). */
export type UnnestColumns<R> = Readonly<Record<string, readonly [ArrayType, (row: R) => unknown]>>;

/**
 * PostgreSQL: `unnest(col1::type[], …) as u(col1, …)`, a batch of rows as one parameter per column
 * whatever its size. A VALUES list binds one parameter per row and column, which Kysely compiles,
 * the driver sends and PostgreSQL parses one by one: for the hot bulk writes (message parts,
 * receipts, broadcast fan-out) that was most of the statement's cost.
 */
export function unnestRows<R>(rows: readonly R[], columns: UnnestColumns<R>): RawBuilder<unknown> {
  const names = Object.keys(columns);
  const arrays = Object.values(columns).map(
    ([type, pick]) => sql`${rows.map((row) => pick(row) ?? null)}::${sql.raw(type)}[]`,
  );
  return sql`unnest(${sql.join(arrays)}) as u(${sql.join(names.map((name) => sql.ref(name)))})`;
}

/** PostgreSQL: one INSERT … SELECT FROM unnest(column arrays) for the whole batch. */
export async function insertUnnest<R>(
  db: Executor,
  table: string,
  rows: readonly R[],
  columns: UnnestColumns<R>,
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns).map((name) => sql.ref(name));
  await sql`insert into ${sql.table(table)} (${sql.join(names)}) select * from ${unnestRows(rows, columns)}`.execute(
    db,
  );
}
