import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliJson } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('vudumobile account sender add|remove', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-cli-sender-'));
  const env: Record<string, string> = {};
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'cli');
    env.DATABASE_URL = database.url;
    const accounts: [string, string][] = [
      ['CKOI', '514-954-1234'],
      ['Rythme', '438-555-0100'],
    ];
    for (const [name, sender] of accounts)
      assert.equal(runCli(['account', 'create', '--name', name, '--sender', sender], env).status, 0);
  });
  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const json = (args: string[]): unknown => runCliJson(args, env);
  const fails = (args: string[], message: string): void => {
    const result = runCli(args, env);
    assert.equal(result.status, 2, result.stdout); // a refused command, not a crash
    assert.match(result.stderr, new RegExp(message));
  };
  const senders = (id: number): string[] =>
    (json(['account', 'list']) as { id: number; senders: string[] }[]).find((a) => a.id === id)?.senders ??
    [];

  it('adds a number in any format (stored as E.164 digits) and a short code', () => {
    assert.deepEqual(json(['account', 'sender', 'add', '1', '(514) 954-9999']), {
      account: 1,
      senders: ['15149541234', '15149549999'],
    });
    assert.equal(
      runCli(['account', 'sender', 'add', '1', '24680'], env).stdout.trim(),
      'account 1 senders: 15149541234, 15149549999, 24680',
    );
    assert.deepEqual(senders(1), ['15149541234', '15149549999', '24680']);
  });

  it('refuses a number already used by this or another account, an invalid one, an unknown account', () => {
    fails(
      ['account', 'sender', 'add', '1', '+1 514 954 9999'],
      '15149549999 is already a sender of account 1',
    );
    fails(['account', 'sender', 'add', '1', '4385550100'], '14385550100 is already a sender of account 2');
    fails(
      ['account', 'sender', 'add', '1', 'not-a-number'],
      'number "not-a-number" is not a valid phone number',
    );
    fails(['account', 'sender', 'add', '9', '5145550000'], 'account 9 does not exist');
    assert.deepEqual(senders(2), ['14385550100']);
  });

  it('removes a number, and says so when the account does not have it', () => {
    assert.deepEqual(json(['account', 'sender', 'remove', '1', '514-954-9999']), {
      account: 1,
      senders: ['15149541234', '24680'],
    });
    fails(['account', 'sender', 'remove', '1', '5149549999'], '15149549999 is not a sender of account 1');
    fails(['account', 'sender', 'remove', '1', '14385550100'], '14385550100 is not a sender of account 1');
    assert.deepEqual(senders(2), ['14385550100']);
  });
});
