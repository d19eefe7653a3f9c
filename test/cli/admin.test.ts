import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createCommandLogger } from '../../src/logger.js';
import { openServices } from '../../src/main.js';
import { MIGRATIONS } from '../../src/store/migrate.js';
import { runCli, runCliJson } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('vudumobile CLI: accounts, keys, users', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-cli-'));
  const env: Record<string, string> = { DATABASE_URL: '' };
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'cli');
    env.DATABASE_URL = database.url;
    env.PUBLIC_URL = 'https://sms.example.com';
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

  it('creates an account and a key with an allow-list', () => {
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
  });

  it('invites users with a single-use link, lists them and protects the last admin', async () => {
    const invited = json([
      'user',
      'add',
      '--account',
      '1',
      '--email',
      'Boss@Example.com',
      '--name',
      'Le Boss',
      '--role',
      'admin',
      '--language',
      'en',
    ]) as { invitation: string };
    const link = /^https:\/\/sms\.example\.com\/invitation\/([A-Za-z0-9_-]{43})$/.exec(invited.invitation);
    assert.ok(link?.[1], invited.invitation);
    assert.deepEqual(invited, {
      id: 1,
      email: 'boss@example.com',
      name: 'Le Boss',
      role: 'admin',
      language: 'en',
      time_zone: 'America/Toronto',
      has_password: false,
      invitation: invited.invitation,
    });
    const member = runCli(['user', 'add', '--account', '1', '--email', 'ann@example.com'], env);
    assert.equal(member.status, 0, member.stderr);
    assert.match(
      member.stdout,
      /^user 2 \(ann@example\.com, member\) invited\.\n.*single use, valid 7 days.*\n {2}https:\/\/sms\.example\.com\/invitation\/[A-Za-z0-9_-]{43}\n$/,
    );

    // The link works: the person behind it sets a password, after which `user add` refuses.
    const services = await openServices(
      readConfig({ DATABASE_URL: env.DATABASE_URL }),
      createCommandLogger(),
    );
    try {
      const info = await services.users.inspectToken(link[1]);
      assert.equal(info?.kind, 'invite');
      assert.equal(info.user.email, 'boss@example.com');
      await services.users.setPasswordWithToken(link[1], 'a long enough password');
    } finally {
      await services.close();
    }
    const again = runCli(['user', 'add', '--account', '1', '--email', 'boss@example.com'], env);
    assert.equal(again.status, 2);
    assert.equal(again.stderr, 'vudumobile: A user with this email already exists in this account.\n');

    assert.deepEqual(json(['user', 'list', '--account', '1']), [
      {
        id: 1,
        email: 'boss@example.com',
        name: 'Le Boss',
        role: 'admin',
        language: 'en',
        time_zone: 'America/Toronto',
        has_password: true,
      },
      {
        id: 2,
        email: 'ann@example.com',
        name: '',
        role: 'member',
        language: 'fr',
        time_zone: 'America/Toronto',
        has_password: false,
      },
    ]);
    const list = runCli(['user', 'list', '--account', '1'], env);
    assert.equal(
      list.stdout,
      '1\tboss@example.com\tadmin\tLe Boss\tpassword set\n2\tann@example.com\tmember\t-\tinvited\n',
    );
    const lastAdmin = runCli(['user', 'remove', '--account', '1', '--email', 'boss@example.com'], env);
    assert.equal(lastAdmin.status, 2);
    assert.equal(lastAdmin.stderr, 'vudumobile: The account must keep at least one administrator.\n');
    assert.deepEqual(json(['user', 'remove', '--account', '1', '--email', 'ANN@example.com']), {
      email: 'ann@example.com',
      removed: true,
    });
    assert.deepEqual(
      (json(['user', 'list', '--account', '1']) as { email: string }[]).map((u) => u.email),
      ['boss@example.com'],
    );
  });

  it('describes every user subcommand in --help', () => {
    const help = runCli(['user', '--help'], env);
    for (const [command, words] of [
      ['add', /invite a user: prints a single-use link/],
      ['list', /list the users of an account/],
      ['remove', /remove a user and end their sessions/],
    ] as const) {
      assert.match(help.stdout, new RegExp(`${command} \\[options\\]\\s+${words.source}`));
    }
    assert.match(runCli(['user', 'add', '--help'], env).stdout, /--role <admin\|member>/);
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
      [
        ['user', 'add', '--account', '1', '--email', 'x@example.com', '--role', 'owner'],
        /--role must be admin or member/,
      ],
      [
        ['user', 'add', '--account', '1', '--email', 'x@example.com', '--language', 'de'],
        /--language must be fr or en/,
      ],
      [
        ['user', 'add', '--account', '1', '--email', 'x@example.com', '--time-zone', 'Mars/Base'],
        /Invalid timezone: Mars\/Base/,
      ],
      [['user', 'add', '--account', '99', '--email', 'x@example.com'], /account 99 does not exist/],
      [
        ['user', 'remove', '--account', '1', '--email', 'ghost@example.com'],
        /user ghost@example.com does not exist/,
      ],
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
