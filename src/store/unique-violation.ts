/**
 * Recognises a unique-constraint failure from either engine and names the constraint, so a race
 * between two inserts becomes the same documented conflict as the check before it.
 */
export function uniqueConstraintName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint, message } = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (code === '23505') return typeof constraint === 'string' ? constraint : ''; // PostgreSQL
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // SQLite names the columns: "UNIQUE constraint failed: contacts.account_id, contacts.number"
    return typeof message === 'string' ? message : '';
  }
  return undefined;
}
