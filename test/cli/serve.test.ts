import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createCommandLogger } from '../../src/logger.js';
import { openServices } from '../../src/main.js';
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

  it('creates the default account and prints a working key, curl line and admin invitation; the second start prints none', async () => {
    const env = {
      DATABASE_URL: database.url,
      PORT: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: 'Boss@Example.com',
    };
    let invitation: string | undefined;
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
      // Beside the key, the administrator's single-use invitation, at the address actually bound.
      assert.match(
        first.output(),
        /Web platform: choose the password of boss@example\.com with this link \(single use, valid 7 days\):\n/,
      );
      const link = /^ {2}(http:\/\/127\.0\.0\.1:\d+)\/invitation\/([A-Za-z0-9_-]{43})$/m.exec(first.output());
      assert.equal(link?.[1], curl[1], first.output());
      invitation = link?.[2];
    } finally {
      assert.equal(await stopChild(first.child), 0);
    }
    const services = await openServices(readConfig({ DATABASE_URL: database.url }), createCommandLogger());
    try {
      assert.ok(invitation);
      const info = await services.users.inspectToken(invitation);
      assert.deepEqual(
        info && [info.kind, info.user.accountId, info.user.email, info.user.role, info.user.hasPassword],
        ['invite', 1, 'boss@example.com', 'admin', false],
      );
    } finally {
      await services.close();
    }
    const second = await spawnServer([], env, /VuduMobile API listening/);
    try {
      assert.doesNotMatch(second.output(), /VUDUMOBILE-API-KEY:|\/invitation\//);
    } finally {
      assert.equal(await stopChild(second.child), 0);
    }
  });
});
