/**
 * Cuts a list into consecutive pieces of at most `size` items: long id lists go to the database a
 * statement per piece, so that none nears an engine's bound-parameter limit.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
