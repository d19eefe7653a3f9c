import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedFirstAccountBroadcasts } from '../helpers/broadcast-lists.js';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { rssBytes } from '../helpers/proc-stats.js';

/**
 * Issue #15, item 5: get_broadcasts on an account with three broadcasts of 100,000 recipients answers
 * in bounded memory. The server runs in its own process (the compiled CLI, SQLite) so that its resident
 * set is its own; it is sampled every 10 ms during each call. Before paging this answer held the
 * 300,000 rows at once (~101 MB of JSON, several times that in objects). On the test's store (SQLite,
 * then PostgreSQL); bench/broadcast-pages.ts prints the figures.
 */
const ROWS = 100_000;
const MB = 1024 * 1024;

describe('get_broadcasts with three 100,000-recipient broadcasts: bounded memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-pages-memory-'));
  let database: TestDatabase;
  let server: ChildServer;
  let key = '';

  before(async () => {
    database = await createTestDatabase(dir);
    server = await spawnServer({ dir, compiled: true, env: { DATABASE_URL: database.url } });
    key = server.firstRunKey ?? '';
    assert.ok(key, 'the first run printed a key');
    await seedFirstAccountBroadcasts(database.url, ['Lundi', 'Mardi', 'Mercredi'], ROWS);
    // Routes, statements and the JIT warmed, as on a server that has been up.
    await call('get_broadcasts', { list_limit: '1' });
  });
  after(async () => {
    await server?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(endpoint: string, params: Record<string, string>) {
    const response = await fetch(`${server.url}/api/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'VUDUMOBILE-API-KEY': key },
      body: new URLSearchParams(params).toString(),
    });
    const text = await response.text();
    assert.equal(response.status, 200, text.slice(0, 300));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads the answer's fields
    return { bytes: Buffer.byteLength(text), body: JSON.parse(text) as any };
  }

  /** The server's RSS growth at its peak while `work` runs (sampled every 10 ms), and work's result. */
  async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; grown: number }> {
    const start = await rssBytes(server.pid);
    let peak = start;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssBytes(server.pid));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      return { result: await work(), grown: peak - start };
    } finally {
      sampling = false;
      await sampler;
    }
  }

  it('answers 1,000 rows of each list, counting all 100,000, adding little to the server', async () => {
    const { result, grown } = await peakGrowth(() => call('get_broadcasts', {}));
    const broadcasts = result.body.broadcasts as { number_total: string; list: unknown[] }[];
    assert.equal(broadcasts.length, 3);
    for (const item of broadcasts) {
      assert.equal(item.number_total, String(ROWS));
      assert.equal(item.list.length, 1000);
    }
    assert.ok(result.bytes < 2 * MB, `answer of ${result.bytes} bytes`);
    // The unpaged answer was ~101 MB of JSON; a page of 3 × 1,000 rows measured +5 to +8 MB.
    assert.ok(grown < 48 * MB, `the server grew by ${(grown / MB).toFixed(1)} MB`);
  });

  it('reads a whole 100,000-row list page by page without holding it', async () => {
    const { result, grown } = await peakGrowth(async () => {
      const first = await call('get_broadcasts', { list_limit: '0' });
      const id = String((first.body.broadcasts as { id: string }[])[0]?.id);
      const seen = new Set<string>();
      let afterId: string | undefined = '0';
      while (afterId !== undefined) {
        const page = await call('get_broadcast', { broadcast: id, limit: '10000', after: afterId });
        for (const row of page.body.list as { id: string }[]) seen.add(row.id);
        afterId = (page.body.next_after as string | null | undefined) ?? undefined;
      }
      return seen.size;
    });
    assert.equal(result, ROWS, 'every row once');
    // Pages of 10,000 measured +37 to +58 MB; the whole list at once would be several hundred.
    assert.ok(grown < 160 * MB, `the server grew by ${(grown / MB).toFixed(1)} MB`);
  });
});
