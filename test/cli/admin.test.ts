import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MIGRATIONS } from '../../src/store/migrate.js';
import { runCli, runCliJson } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('vudumobile CLI: accounts, keys, users', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-cli-'));
  const env: Record<string, string> = {};
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'cli');
    env.DATABASE_URL = database.url;
  });
  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const json = (args: string[]): unknown => runCliJson(args, env);

  it('migrates, then says the database is up to date', () => {
    assert.deepEqual(json(['migrate']), { applied: MIGRATIONS.map((m) => m.name) });
    assert.deepEqual(json(['migrate']), { applied: [] });
  });

  it('creates an account, a key with an allow-list, and users', () => {
    const account = json([
      'account',
      'create',
      '--name',
      'CKOI',
      '--language',
      'en',
      '--sender',
      '514-954-1234',
      '--mail-from',
      'Radio@Example.com',
    ]) as { id: number };
    assert.deepEqual(account, { id: 1 });
    const accounts = json(['account', 'list']);
    assert.deepEqual(accounts, [
      {
        id: 1,
        name: 'CKOI',
        language: 'en',
        country: 'CA',
        mail_from: 'radio@example.com',
        senders: ['15149541234'],
      },
    ]);
    const key = json(['key', 'create', '--account', '1', '--allow', '127.0.0.1,10.0.0.0/8,::1']) as {
      id: number;
      key: string;
    };
    assert.equal(key.id, 1);
    assert.match(key.key, /^[A-Za-z0-9]{32}$/);
    assert.deepEqual(json(['key', 'allow', '1', '192.168.1.0/24']), {
      id: 1,
      allow: ['127.0.0.1', '10.0.0.0/8', '::1', '192.168.1.0/24'],
    });
    assert.deepEqual(json(['key', 'deny', '1', '10.0.0.0/8']), {
      id: 1,
      allow: ['127.0.0.1', '::1', '192.168.1.0/24'],
    });
    const keys = json(['key', 'list', '--account', '1']) as { key: string; revoked: boolean }[];
    assert.equal(keys[0]?.key, `${key.key.slice(0, 6)}*****${key.key.slice(-5)}`);
    assert.deepEqual(json(['key', 'revoke', '1']), { id: 1, revoked: true });
    assert.equal((json(['key', 'list']) as { revoked: boolean }[])[0]?.revoked, true);
    assert.deepEqual(json(['user', 'add', '--account', '1', '--email', 'Boss@Example.com']), {
      id: 1,
      email: 'boss@example.com',
    });
    assert.deepEqual(json(['user', 'list', '--account', '1']), [{ id: 1, email: 'boss@example.com' }]);
    assert.deepEqual(json(['user', 'remove', '--account', '1', '--email', 'boss@example.com']), {
      email: 'boss@example.com',
      removed: true,
    });
  });

  it('prints one clear line and exits non-zero on bad arguments', () => {
    const cases: [string[], RegExp][] = [
      [['account', 'create'], /required option '--name <name>'/],
      [['account', 'create', '--name', 'x', '--language', 'de'], /--language must be fr or en/],
      [['account', 'create', '--name', 'x', '--sender', 'abc'], /--sender "abc" is not a valid phone number/],
      [['key', 'create', '--account', '99'], /account 99 does not exist/],
      [['key', 'create', '--account', 'one'], /--account must be a positive whole number/],
      [
        ['key', 'create', '--account', '1', '--allow', '300.1.1.1'],
        /"300.1.1.1" is not an IP address or CIDR range/,
      ],
      [['key', 'allow', '1', '10.0.0.0/33'], /"10.0.0.0\/33" is not an IP address or CIDR range/],
      [['key', 'revoke', '42'], /key 42 does not exist/],
      [['user', 'add', '--account', '1', '--email', 'nope'], /"nope" is not a valid email address/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['serve', '--port', 'http'], /--port must be a number/],
    ];
    for (const [args, pattern] of cases) {
      const result = runCli(args, env);
      assert.notEqual(result.status, 0, args.join(' '));
      assert.match(result.stderr, pattern, args.join(' '));
      assert.equal(
        result.stderr.trim().split('\n').length,
        1,
        `one line for ${args.join(' ')}: ${result.stderr}`,
      );
    }
  });

  it('explains a bad DATABASE_URL in one line', () => {
    const result = runCli(['migrate'], { DATABASE_URL: 'sqlite:' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^vudumobile: DATABASE_URL: expected sqlite:PATH/);
  });
});
