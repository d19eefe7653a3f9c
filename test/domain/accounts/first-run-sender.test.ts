import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, readConfig } from '../../../src/config.js';
import { createCommandLogger } from '../../../src/logger.js';
import { openServices } from '../../../src/main.js';
import { createTestDatabase } from '../../helpers/database.js';

/** The first start gives the default account DEFAULT_SENDER, so the quick start's `send` has a `from`. */
describe('the first-run account and DEFAULT_SENDER', () => {
  it('reads DEFAULT_SENDER as a number (normalised) or a short code; refuses anything else', () => {
    assert.equal(readConfig({}).defaultSender, undefined);
    assert.equal(readConfig({ DEFAULT_SENDER: '(514) 954-1234' }).defaultSender, '15149541234');
    assert.equal(readConfig({ DEFAULT_SENDER: '12345' }).defaultSender, '12345');
    assert.throws(
      () => readConfig({ DEFAULT_SENDER: 'radio' }),
      (error: unknown) => error instanceof ConfigError && /^DEFAULT_SENDER: /m.test(error.message),
    );
  });

  for (const [label, env, senders] of [
    ['with DEFAULT_SENDER', { DEFAULT_SENDER: '5149541234' }, ['15149541234']],
    ['without it', {}, []],
  ] as const) {
    it(`creates the default account ${label}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vudumobile-first-run-'));
      const database = await createTestDatabase(dir, 'firstrun');
      const config = readConfig({ DATABASE_URL: database.url, ...env });
      const services = await openServices(config, createCommandLogger());
      try {
        const first = await services.accounts.createFirstRunAccount(config.defaultSender);
        assert.ok(first);
        assert.deepEqual(await services.accounts.listSenders(first.accountId), senders);
      } finally {
        await services.close();
        await database.drop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
