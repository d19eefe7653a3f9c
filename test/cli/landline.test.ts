import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { SandboxVoiceTransport } from '../../src/transport/sandbox/sandbox-voice.js';
import { runCliAsync, runCliJsonAsync } from '../helpers/cli.js';
import { testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/*
 * The operator's landlines (issue #14 item 6): numbers and NPA-NXX blocks loaded with the CLI into
 * the database a running server uses, whose next verification code to them is called at once.
 * The rules of the list and of block files are tested in-process (test/store/verification/); this
 * file proves the commands, with as few CLI starts as it can (each costs seconds on a loaded machine).
 */
describe('vudumobile landline add|remove|list|import-blocks', () => {
  let server: TestServer;
  let voice: SandboxVoiceTransport;
  let dir: string;
  const env: Record<string, string> = {};
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-landline-'));
    voice = new SandboxVoiceTransport(join(dir, 'voice-calls.jsonl'), pino({ level: 'silent' }));
    server = await startTestServer({ voice, sms: testSandbox() });
    env.DATABASE_URL = server.platform.database;
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  let serial = 0;
  /** Sends a code to `to`; returns the channel it took (and, for voice, waits for the call). */
  async function channelOf(to: string): Promise<string> {
    const request_id = `r-${++serial}`;
    const { body } = await server.call('send_verification', { to, code: '2580', request_id });
    assert.equal(body.status, true, JSON.stringify(body));
    const row = await server.platform.store.db
      .selectFrom('verifications')
      .select(['channel', 'message_id', 'to_number'])
      .where('request_id', '=', request_id)
      .executeTakeFirstOrThrow();
    if (row.channel === 'voice') {
      assert.equal(row.message_id, null, 'no SMS first');
      await waitFor('the call', () => voice.calls.some((c) => c.to === row.to_number));
    }
    return row.channel;
  }

  it('lists numbers and loads blocks whose codes are then called at once; refuses a bad file whole', async () => {
    assert.equal(await channelOf('15145550101'), 'sms');
    assert.equal(await channelOf('18195550102'), 'sms');
    const blocks = join(dir, 'blocks.csv');
    await writeFile(blocks, 'NPA,NXX,X,Type,Carrier\n819,555,,wireline,Bell\n613,555,7,wireless,Rogers\n');
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'npa,nxx,type\n450,555,fixed\n45,555,fixed\n');

    assert.deepEqual(
      await runCliJsonAsync(
        ['landline', 'add', '+1 514 555-0101', '4385550102', '--reason', 'front desk'],
        env,
      ),
      { added: ['15145550101', '14385550102'] },
    );
    const [listed, imported, refused] = await Promise.all([
      runCliJsonAsync(['landline', 'list'], env),
      runCliJsonAsync(['landline', 'import-blocks', blocks], env),
      runCliAsync(['landline', 'import-blocks', bad], env),
    ]);
    assert.deepEqual(
      (listed as { number: string; source: string; reason: string }[]).map((l) => [
        l.number,
        l.source,
        l.reason,
      ]),
      [
        ['14385550102', 'operator', 'front desk'],
        ['15145550101', 'operator', 'front desk'],
      ],
    );
    assert.deepEqual(imported, { loaded: 2 });
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /line 3: npa "45" is not 3 digits starting with 2 to 9/);

    assert.equal(await channelOf('15145550101'), 'voice', 'listed');
    assert.equal(await channelOf('18195550103'), 'voice', 'in a fixed block');
    assert.equal(await channelOf('14505550104'), 'sms', 'nothing of the bad file was loaded');

    assert.deepEqual(await runCliJsonAsync(['landline', 'remove', '15145550101', '15145550199'], env), {
      removed: ['15145550101'],
    });
    assert.equal(await channelOf('15145550101'), 'sms');
  });
});
