import type { Kysely } from 'kysely';
import type {
  LandlineStore,
  LineType,
  LineTypeBlock,
  ListedLandline,
} from '../../domain/ports/line-types.js';
import { LINE_TYPES } from '../../domain/ports/line-types.js';
import { chunks } from '../../domain/common/chunks.js';
import type { Database } from '../schema.js';
import { listChunkSize } from '../value-lists.js';

/** Rows per INSERT of a block import (3 parameters each: far under either engine's limit). */
const BLOCK_BATCH = 500;

function asLineType(value: string): LineType {
  return LINE_TYPES.find((t) => t === value) ?? 'other';
}

/**
 * The operator's landline list and NPA-NXX blocks (domain/ports/line-types.ts). A number's line type
 * is its longest listed prefix among the NPA-NXX (7 digits with the 1) and NPA-NXX-X (8 digits):
 * a thousands-block can differ from the rest of its exchange (number pooling).
 */
export class LandlinesRepo implements LandlineStore {
  constructor(private readonly db: Kysely<Database>) {}

  async lineType(number: string): Promise<LineType | undefined> {
    // Only North American numbers (1 + 10 digits) are looked up by NPA-NXX.
    if (!/^1\d{10}$/.test(number)) return undefined;
    const row = await this.db
      .selectFrom('line_type_blocks')
      .select(['prefix', 'line_type'])
      .where('prefix', 'in', [number.slice(0, 7), number.slice(0, 8)])
      .orderBy('prefix', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? asLineType(row.line_type) : undefined;
  }

  async addLandlines(numbers: readonly string[], reason: string, now: number): Promise<void> {
    const unique = [...new Set(numbers)];
    if (unique.length === 0) return;
    await this.db
      .insertInto('landlines')
      .values(unique.map((number) => ({ number, reason, created_at: now, source: 'operator' })))
      .onConflict((oc) => oc.column('number').doUpdateSet({ source: 'operator', reason }))
      .execute();
  }

  async removeLandlines(numbers: readonly string[]): Promise<string[]> {
    const removed: string[] = [];
    for (const chunk of chunks([...new Set(numbers)], listChunkSize(this.db))) {
      const rows = await this.db
        .deleteFrom('landlines')
        .where('number', 'in', chunk)
        .returning('number')
        .execute();
      removed.push(...rows.map((r) => r.number));
    }
    return removed;
  }

  async listLandlines(): Promise<ListedLandline[]> {
    const rows = await this.db
      .selectFrom('landlines')
      .select(['number', 'source', 'reason', 'created_at'])
      .orderBy('number')
      .execute();
    return rows.map((r) => ({
      number: r.number,
      source: r.source === 'operator' ? 'operator' : 'learnt',
      reason: r.reason,
      createdAt: Number(r.created_at),
    }));
  }

  importBlocks(
    batches: AsyncIterable<readonly LineTypeBlock[]>,
    options: { readonly replace: boolean; readonly now: number },
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (options.replace) await trx.deleteFrom('line_type_blocks').execute();
      let count = 0;
      for await (const batch of batches) {
        // One prefix twice in a statement would make PostgreSQL's upsert refuse it: the last wins.
        const unique = [...new Map(batch.map((b) => [b.prefix, b])).values()];
        for (const rows of chunks(unique, BLOCK_BATCH)) {
          await trx
            .insertInto('line_type_blocks')
            .values(rows.map((b) => ({ prefix: b.prefix, line_type: b.lineType, imported_at: options.now })))
            .onConflict((oc) =>
              oc.column('prefix').doUpdateSet((eb) => ({
                line_type: eb.ref('excluded.line_type'),
                imported_at: eb.ref('excluded.imported_at'),
              })),
            )
            .execute();
          count += rows.length;
        }
      }
      return count;
    });
  }
}
