import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrate.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const CLI = fileURLToPath(new URL('../../src/cli/program.ts', import.meta.url));

function migrateInChild(url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--json', 'migrate'], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('vudumobile migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-migrate-'));
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'migrate');
  });
  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is safe to run from several processes at once: each migration applied exactly once', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateInChild(database.url)));
    for (const r of results) assert.equal(r.code, 0, r.out);
    const applied = results.flatMap((r) => (JSON.parse(r.out) as { applied: string[] }).applied);
    assert.deepEqual(applied.sort(), MIGRATIONS.map((m) => m.name).sort());
  });

  it('refuses to serve or migrate a database whose schema is newer than the code', async () => {
    const store = openStore(database.url);
    await sql`insert into kysely_migration (name, timestamp) values ('999-from-the-future', '2030-01-01')`.execute(
      store.db,
    );
    await store.close();
    for (const command of [['migrate'], ['serve', '--port', '0']]) {
      const result = runCli(command, { DATABASE_URL: database.url });
      assert.equal(result.status, 2, command.join(' '));
      assert.match(
        result.stderr,
        /the database schema is newer than this code \(unknown migrations: 999-from-the-future\)/,
      );
    }
  });
});
