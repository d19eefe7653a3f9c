import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliJson } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('vudumobile account quiet-hours', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-cli-quiet-'));
  const env: Record<string, string> = {};
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'cli');
    env.DATABASE_URL = database.url;
    assert.equal(runCli(['account', 'create', '--name', 'CKOI'], env).status, 0);
  });
  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const json = (args: string[]): unknown =>
    runCliJson(['account', 'quiet-hours', '--account', '1', ...args], env);
  const fails = (args: string[], message: RegExp): void => {
    const result = runCli(['account', 'quiet-hours', '--account', '1', ...args], env);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, message);
  };

  it('gives a new account 21:00–08:00 in America/Toronto', () => {
    assert.deepEqual(json([]), { account: 1, from: '21:00', to: '08:00', time_zone: 'America/Toronto' });
  });

  it('sets the window and the zone, and turns them off', () => {
    assert.deepEqual(json(['--from', '20:30', '--to', '09:00', '--time-zone', 'America/Halifax']), {
      account: 1,
      from: '20:30',
      to: '09:00',
      time_zone: 'America/Halifax',
    });
    assert.deepEqual(json(['--off']), { account: 1, from: null, to: null, time_zone: 'America/Halifax' });
    const text = runCli(['account', 'quiet-hours', '--account', '1'], env).stdout;
    assert.match(text, /account 1 quiet hours: off/);
  });

  it('refuses what it cannot read', () => {
    fails(['--from', '25:00', '--to', '08:00'], /--from must be a time HH:MM/);
    fails(['--from', '21:00'], /--from and --to go together/);
    fails(['--off', '--from', '21:00'], /--off takes no --from or --to/);
    fails(['--time-zone', 'Mars/Olympus'], /--time-zone: Invalid timezone: Mars\/Olympus/);
    const missing = runCli(['account', 'quiet-hours', '--account', '9'], env);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /account 9 does not exist/);
  });
});
