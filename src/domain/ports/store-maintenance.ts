/**
 * Upkeep the store needs while bulk work reshapes its tables (PostgreSQL: planner statistics that
 * autovacuum refreshes too seldom). A worker process runs it on a period.
 */
export interface StoreMaintenance {
  /** Refreshes what went stale; returns the names of the tables refreshed. */
  refreshStatistics(): Promise<string[]>;
  /**
   * Folds the message counts' delta rows (PostgreSQL's triggers only append them, migration 014)
   * into one row per account, slot and status; returns the rows removed.
   */
  foldMessageCounts(): Promise<number>;
}
