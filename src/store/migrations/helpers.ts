import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { DialectName } from '../database.js';

/** What a migration needs besides the handle: which engine it writes DDL for. */
export interface MigrationContext {
  // Migrations see an untyped database: the schema they create is what the typed one describes.
  db: Kysely<unknown>;
  dialect: DialectName;
}

export interface Migration {
  name: string;
  up(ctx: MigrationContext): Promise<void>;
}

/** An auto-numbered primary key written once for both engines. */
export function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: DialectName,
): CreateTableBuilder<T, 'id'> {
  if (dialect === 'postgres') {
    return table.addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity());
  }
  return table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement());
}

export function blobType(dialect: DialectName): 'bytea' | 'blob' {
  return dialect === 'postgres' ? 'bytea' : 'blob';
}

export const notNull = (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder => col.notNull();
