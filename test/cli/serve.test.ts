import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnServer, stopChild } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('vudumobile serve: the first start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-serve-'));
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'first');
  });
  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the default account and prints a working key and curl line; the second start prints none', async () => {
    const env = {
      DATABASE_URL: database.url,
      PORT: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
    };
    const first = await spawnServer([], env, /API docs: \S+\/docs\n/);
    try {
      const key = /VUDUMOBILE-API-KEY: ([A-Za-z0-9]{32})/.exec(first.output())?.[1];
      assert.ok(key, first.output());
      const curl =
        /curl -X POST -H "VUDUMOBILE-API-KEY: \w+" -d "group=Tous" (http:\/\/127\.0\.0\.1:\d+)\/api\/get_contacts/.exec(
          first.output(),
        );
      assert.ok(curl?.[1], first.output());
      const response = await fetch(`${curl[1]}/api/get_groups`, {
        method: 'POST',
        headers: { 'VUDUMOBILE-API-KEY': key },
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { groups: { group_name: string }[] };
      assert.deepEqual(
        body.groups.map((g) => g.group_name),
        ['Tous', 'Blocked'],
      );
    } finally {
      assert.equal(await stopChild(first.child), 0);
    }
    const second = await spawnServer([], env, /VuduMobile API listening/);
    try {
      assert.doesNotMatch(second.output(), /VUDUMOBILE-API-KEY:/);
    } finally {
      assert.equal(await stopChild(second.child), 0);
    }
  });
});
