import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The store a test runs on. `npm test` runs every suite on SQLite, then again on PostgreSQL when
 * TEST_DATABASE_URL is set (scripts/run-tests.mjs sets VUDUMOBILE_TEST_STORE=postgres for that pass).
 * Each server of a test gets its own database, so test files run in parallel without sharing rows.
 */
export const TEST_STORE: 'sqlite' | 'postgres' =
  process.env.VUDUMOBILE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('VUDUMOBILE_TEST_STORE=postgres needs TEST_DATABASE_URL');
  return url;
}

/** A fresh database: a SQLite file in `dir`, or a new PostgreSQL database on the test server. */
export async function createTestDatabase(dir: string, name = 'test'): Promise<TestDatabase> {
  if (TEST_STORE === 'sqlite') return { url: `sqlite:${join(dir, `${name}.db`)}`, drop: async () => {} };
  return createPostgresDatabase(adminUrl(), 'vudumobile_test');
}

/** A new, empty PostgreSQL database on the server of `adminUrl` (tests, benchmarks); drop() removes it. */
export async function createPostgresDatabase(adminUrl: string, prefix: string): Promise<TestDatabase> {
  const admin = new URL(adminUrl);
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin.toString());
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: admin.toString() });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
