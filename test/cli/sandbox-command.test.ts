import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../src/config.js';
import { openMigratedStore } from '../../src/main.js';
import { createTestDatabase } from '../helpers/database.js';

describe('vudumobile sandbox receive', () => {
  let dir: string;
  let database: string;
  let drop: () => Promise<void>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-cli-'));
    ({ url: database, drop } = await createTestDatabase(dir, 'cli'));
  });
  after(async () => {
    await drop();
    await rm(dir, { recursive: true, force: true });
  });

  function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/program.ts', '--database', database, ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'silent' },
      },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('stores an inbound SMS for the account, as the carrier would deliver it', async () => {
    const account = cli(
      '--json',
      'account',
      'create',
      '--name',
      'Radio',
      '--sender',
      '15149541234,15149540000',
    );
    assert.equal(account.status, 0, account.stderr);
    const { id } = JSON.parse(account.stdout) as { id: number };
    const first = cli(
      '--json',
      'sandbox',
      'receive',
      '--account',
      String(id),
      '--from',
      '514-555-5555',
      '--message',
      'Meteo',
    );
    assert.equal(first.status, 0, first.stderr);
    const stored = JSON.parse(first.stdout) as { msg_id: number; to: string; from: string };
    assert.deepEqual([stored.from, stored.to], ['15145555555', '15149541234']);
    const second = cli(
      'sandbox',
      'receive',
      '--account',
      String(id),
      '--from',
      '15145555555',
      '--to',
      '15149540000',
      '--message',
      'Dj',
    );
    assert.equal(second.status, 0, second.stderr);
    assert.match(
      second.stdout,
      /^inbound SMS \d+ stored for account \d+ \(from 15145555555 to 15149540000\)\n$/,
    );

    const store = await openMigratedStore(readConfig({ DATABASE_URL: database }));
    try {
      const rows = await store.db
        .selectFrom('messages')
        .select(['id', 'direction', 'account_id', 'to_number', 'body', 'status'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.direction, r.account_id, r.to_number, r.body, r.status]),
        [
          ['mo', id, '15149541234', 'Meteo', 'received'],
          ['mo', id, '15149540000', 'Dj', 'received'],
        ],
      );
      assert.equal(rows[0]?.id, stored.msg_id);
    } finally {
      await store.close();
    }
  });

  it('explains what is wrong in one line', () => {
    const noSender = JSON.parse(cli('--json', 'account', 'create', '--name', 'Sans numéro').stdout) as {
      id: number;
    };
    const cases: [string[], RegExp][] = [
      [['--account', '999', '--from', '15145555555', '--message', 'x'], /account 999 does not exist/],
      [['--account', '1', '--from', '123', '--message', 'x'], /--from "123" is not a valid phone number/],
      [
        ['--account', '1', '--from', '15145555555', '--to', '15145550000', '--message', 'x'],
        /is not a sender number of account 1/,
      ],
      [['--account', String(noSender.id), '--from', '15145555555', '--message', 'x'], /has no sender number/],
      [['--account', '1', '--from', '15145555555'], /required option '--message <text>'/],
    ];
    for (const [args, error] of cases) {
      const result = cli('sandbox', 'receive', ...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, error);
    }
  });
});
