import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { SandboxVoiceTransport } from '../../src/transport/sandbox/sandbox-voice.js';
import { messageRow, testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const UNDELIVERABLE = '15145550301';
const REFUSED = '15145550302';

describe('send_verification (contract §3.4)', () => {
  let server: TestServer;
  let voice: SandboxVoiceTransport;
  let voiceDir: string;
  before(async () => {
    voiceDir = await mkdtemp(join(tmpdir(), 'vudumobile-voice-'));
    voice = new SandboxVoiceTransport(join(voiceDir, 'voice-calls.jsonl'), pino({ level: 'silent' }));
    server = await startTestServer({
      voice,
      env: { VERIFY_LIMIT_PER_NUMBER: '3', VERIFY_LIMIT_PER_KEY: '12', LANDLINE_PREFIXES: '1819555' },
      sms: testSandbox({
        outcome: (sms) =>
          sms.to === UNDELIVERABLE
            ? { kind: 'receipt', stat: 'UNDELIV', err: '300' }
            : sms.to === REFUSED
              ? { kind: 'reject' }
              : { kind: 'receipt', stat: 'DELIVRD', err: '000' },
      }),
    });
  });
  after(async () => {
    await server.close();
    await rm(voiceDir, { recursive: true, force: true });
  });

  const db = () => server.platform.store.db;
  const verification = (requestId: string) =>
    db()
      .selectFrom('verifications')
      .selectAll()
      .where('account_id', '=', server.account.id)
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
  const callsTo = (number: string) => voice.calls.filter((c) => c.to === number);

  it('answers the source’s example with its request_id, and sends the code by SMS in the account’s language', async () => {
    const { status, body } = await server.call('send_verification', {
      to: '15145555556',
      code: '12346',
      request_id: '56789',
    });
    assert.equal(status, 200);
    assert.deepEqual(body, { status: true, request_id: '56789' });
    const row = await verification('56789');
    assert.equal(row.channel, 'sms');
    assert.equal(row.to_number, '15145555556');
    assert.ok(row.message_id);
    const message = await messageRow(db(), row.message_id);
    assert.equal(message.body, 'Votre code de vérification est 12346');
    assert.equal(message.priority, 0);
    assert.equal(message.from_number, '15149541234');
    await waitFor(
      'delivered',
      async () => (await messageRow(db(), row.message_id ?? 0)).status === 'delivered',
    );
  });

  it('generates a request_id (a string) when none is given, and writes English when asked', async () => {
    const { body } = await server.call('send_verification', {
      to: '15145550310',
      code: '4321',
      language: 'en',
    });
    assert.equal(body.status, true);
    assert.equal(typeof body.request_id, 'string');
    assert.ok(body.request_id.length >= 8);
    const row = await verification(body.request_id);
    assert.equal((await messageRow(db(), row.message_id ?? 0)).body, 'Your verification code is 4321');
  });

  it('calls a landline instead: the digits one by one, twice, and no SMS', async () => {
    // A London fixed line (libphonenumber: FIXED_LINE) and a number under LANDLINE_PREFIXES.
    for (const [to, request_id] of [
      ['+44 20 7946 0000', 'uk-landline'],
      ['18195550000', 'prefix-landline'],
    ] as const) {
      const { body } = await server.call('send_verification', {
        to,
        code: '2468',
        language: 'en',
        request_id,
      });
      assert.deepEqual(body, { status: true, request_id });
      const row = await verification(request_id);
      assert.equal(row.channel, 'voice');
      assert.equal(row.message_id, null);
      const placed = await waitFor('the call', async () => {
        const r = await verification(request_id);
        return r.status === 'answered' ? r : undefined;
      });
      const [call] = callsTo(placed.to_number);
      assert.equal(call?.text, 'Your verification code is: 2, 4, 6, 8. I repeat: 2, 4, 6, 8.');
      assert.equal(call?.language, 'en');
      assert.equal(placed.call_id, call?.callId);
    }
    const log = await readFile(join(voiceDir, 'voice-calls.jsonl'), 'utf8');
    assert.match(log, /"to":"442079460000"/);
  });

  it('sends a mobile number its code by SMS with no voice fallback', async () => {
    const { body } = await server.call('send_verification', {
      to: '+44 7400 123456',
      code: '1357',
      request_id: 'uk-mobile',
    });
    assert.equal(body.status, true);
    const row = await verification('uk-mobile');
    assert.equal(row.channel, 'sms');
    assert.equal(row.fallback, 0);
  });

  it('falls back to a call when the SMS comes back UNDELIV, and calls that number straight away next time', async () => {
    await server.call('send_verification', { to: UNDELIVERABLE, code: '555111', request_id: 'fallback-1' });
    const switched = await waitFor('the fallback call', async () => {
      const r = await verification('fallback-1');
      return r.status === 'answered' ? r : undefined;
    });
    assert.equal(switched.channel, 'voice');
    assert.equal((await messageRow(db(), switched.message_id ?? 0)).detailed_status, 'UNDELIV_300');
    assert.equal(
      callsTo(UNDELIVERABLE)[0]?.text,
      'Votre code de vérification est : 5, 5, 5, 1, 1, 1. Je répète : 5, 5, 5, 1, 1, 1.',
    );
    const landline = await db()
      .selectFrom('landlines')
      .selectAll()
      .where('number', '=', UNDELIVERABLE)
      .executeTakeFirst();
    assert.ok(landline);
    await server.call('send_verification', { to: UNDELIVERABLE, code: '555222', request_id: 'fallback-2' });
    const second = await verification('fallback-2');
    assert.equal(second.channel, 'voice');
    assert.equal(second.message_id, null);
    await waitFor('the second call', () => callsTo(UNDELIVERABLE).length === 2);
  });

  it('falls back to a call when the carrier refuses the SMS', async () => {
    await server.call('send_verification', { to: REFUSED, code: '8080', request_id: 'refused-1' });
    await waitFor('the call', async () => (await verification('refused-1')).status === 'answered');
    assert.equal(callsTo(REFUSED).length, 1);
  });

  it('does not call when the SMS was delivered', async () => {
    await server.call('send_verification', { to: '15145550320', code: '9090', request_id: 'fine-1' });
    const row = await verification('fine-1');
    await waitFor(
      'delivered',
      async () => (await messageRow(db(), row.message_id ?? 0)).status === 'delivered',
    );
    assert.equal((await verification('fine-1')).status, 'sms');
    assert.equal(callsTo('15145550320').length, 0);
  });

  it('refuses a request_id used before with 409', async () => {
    const again = await server.call('send_verification', {
      to: '15145550330',
      code: '1234',
      request_id: '56789',
    });
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, { status: false, error: 'request_id already used' });
    // Another account has its own request ids.
    const other = await server.createAccount();
    const theirs = await server.call(
      'send_verification',
      { to: '15145550330', code: '1234', request_id: '56789' },
      { key: other.key },
    );
    assert.equal(theirs.status, 200);
  });

  it('limits requests per number per hour with 429 (SMS pumping)', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await server.call('send_verification', { to: '15145550340', code: '1111' })).status, 200);
    }
    const refused = await server.call('send_verification', { to: '(514) 555-0340', code: '1111' });
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, {
      status: false,
      error: 'Too many verification requests for this number',
    });
  });

  it('limits requests per key per hour with 429', async () => {
    const other = await server.createAccount();
    for (let i = 0; i < 12; i++) {
      const { status } = await server.call(
        'send_verification',
        { to: `151455504${10 + i}`, code: '1111' },
        { key: other.key },
      );
      assert.equal(status, 200);
    }
    const refused = await server.call(
      'send_verification',
      { to: '15145550499', code: '1111' },
      { key: other.key },
    );
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, {
      status: false,
      error: 'Too many verification requests for this number',
    });
  });

  it('refuses bad parameters with the contract’s texts', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ code: '1234' }, 'to parameter is missing'],
      [{ to: '', code: '1234' }, 'to parameter is missing'],
      [{ to: '1514555555', code: '1234' }, 'to is not a valid phone number'],
      // An omitted code is generated (test/http/check-verification.test.ts); a given one is checked.
      [{ to: '15145550350', code: '123' }, 'code must be 4 to 10 digits'],
      [{ to: '15145550350', code: '12345678901' }, 'code must be 4 to 10 digits'],
      [{ to: '15145550350', code: '12a4' }, 'code must be 4 to 10 digits'],
      [{ to: '15145550350', code: '1234', language: 'de' }, 'language must be fr or en'],
    ];
    for (const [params, error] of cases) {
      const { status, body } = await server.call('send_verification', params);
      assert.equal(status, 400, JSON.stringify(params));
      assert.deepEqual(body, { status: false, error });
    }
    const rows = await db()
      .selectFrom('verifications')
      .select('id')
      .where('to_number', '=', '15145550350')
      .execute();
    assert.equal(rows.length, 0);
  });
});
