import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, runCliJson } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

describe('vudumobile suppression … and account consent-default / casl-footer (CASL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-cli-consent-'));
  const env: Record<string, string> = {};
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(dir, 'cli');
    env.DATABASE_URL = database.url;
    assert.equal(runCli(['account', 'create', '--name', 'CKOI', '--sender', '514-954-1234'], env).status, 0);
  });
  after(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const json = (args: string[]): unknown => runCliJson(args, env);
  const fails = (args: string[], message: string): void => {
    const result = runCli(args, env);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, new RegExp(message));
  };

  it('adds, lists, shows and lifts a number, each change in its history with its reason', () => {
    assert.deepEqual(
      json(['suppression', 'add', '514 555-0101', '--account', '1', '--reason', 'asked by phone']),
      {
        number: '15145550101',
        action: 'suppressed',
      },
    );
    fails(
      ['suppression', 'add', '5145550101', '--account', '1', '--reason', 'again'],
      'Number already suppressed',
    );
    const listed = json(['suppression', 'list', '--account', '1']) as {
      suppressions: { number: string; reason: string }[];
    };
    assert.deepEqual(
      listed.suppressions.map((s) => [s.number, s.reason]),
      [['15145550101', 'asked by phone']],
    );
    const csv = runCli(['suppression', 'list', '--account', '1', '--csv'], env).stdout.split('\r\n');
    assert.equal(csv[0], 'number,reason,since');
    assert.match(csv[1] ?? '', /^15145550101,asked by phone,\d{4}-/);
    assert.equal(
      runCli(['suppression', 'lift', '5145550101', '--account', '1', '--reason', 'consent by form'], env)
        .status,
      0,
    );
    fails(
      ['suppression', 'lift', '5145550101', '--account', '1', '--reason', 'twice'],
      'Number not suppressed',
    );
    const shown = json(['suppression', 'show', '5145550101', '--account', '1']) as {
      suppressed: boolean;
      history: { action: string; actor: string; reason: string }[];
    };
    assert.equal(shown.suppressed, false);
    assert.deepEqual(
      shown.history.map((h) => [h.action, h.actor, h.reason]),
      [
        ['lifted', 'operator:cli', 'consent by form'],
        ['suppressed', 'operator:cli', 'asked by phone'],
      ],
    );
    fails(['suppression', 'list', '--account', '9'], 'account 9 does not exist');
  });

  it('sets the consent default and the CASL footer (GSM-7 only)', () => {
    assert.deepEqual(json(['account', 'consent-default', '1']), { account: 1, consent_default: 'express' });
    assert.deepEqual(json(['account', 'consent-default', '1', 'implied']), {
      account: 1,
      consent_default: 'implied',
    });
    fails(['account', 'consent-default', '1', 'maybe'], 'consent_type must be express or implied');
    assert.deepEqual(
      json(['account', 'casl-footer', '1', '--on', '--fr', 'CKOI, Montréal', '--en', 'CKOI, Montreal']),
      {
        account: 1,
        on: true,
        fr: 'CKOI, Montréal',
        en: 'CKOI, Montreal',
      },
    );
    fails(['account', 'casl-footer', '1', '--fr', 'Radio ✓'], 'GSM-7');
    assert.deepEqual(json(['account', 'casl-footer', '1', '--off']), {
      account: 1,
      on: false,
      fr: 'CKOI, Montréal',
      en: 'CKOI, Montreal',
    });
  });
});
