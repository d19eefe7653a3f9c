import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { SandboxSmsTransport } from '../../src/transport/sandbox/sandbox-sms.js';
import { SandboxVoiceTransport } from '../../src/transport/sandbox/sandbox-voice.js';
import { testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A number under LANDLINE_PREFIXES: its code is called (the sandbox keeps the call). */
const landline = (n: number) => `1819555${String(n).padStart(4, '0')}`;
/** A North American number of unknown type: its code goes by SMS first. */
const mobile = (n: number) => `1514555${String(n).padStart(4, '0')}`;

describe('check_verification and get_verification (extensions)', () => {
  let server: TestServer;
  let voice: SandboxVoiceTransport;
  let sms: SandboxSmsTransport;
  let voiceDir: string;
  // The platform's clock: the tests move it to make codes expire.
  let clock = Date.UTC(2026, 11, 3, 12);
  before(async () => {
    voiceDir = await mkdtemp(join(tmpdir(), 'vudumobile-voice-'));
    voice = new SandboxVoiceTransport(join(voiceDir, 'voice-calls.jsonl'), pino({ level: 'silent' }));
    sms = testSandbox();
    server = await startTestServer({
      voice,
      sms,
      now: () => clock,
      env: { LANDLINE_PREFIXES: '1819555', VERIFY_LIMIT_PER_NUMBER: '50' },
    });
  });
  after(async () => {
    await server.close();
    await rm(voiceDir, { recursive: true, force: true });
  });

  const check = (request_id: string, code: string, key?: string) =>
    server.call('check_verification', { request_id, code }, key ? { key } : {});
  /** The code the callee heard, from the sandbox's record of the call. */
  const calledCode = (to: string) => waitFor('the call', () => voice.calls.find((c) => c.to === to)?.code);
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

  it('generates a 6-digit code when none is given, calls it, never answers it, and accepts it once', async () => {
    const sent = await server.call('send_verification', { to: landline(1), request_id: 'gen-voice' });
    assert.deepEqual(sent.body, { status: true, request_id: 'gen-voice' });
    const code = await calledCode(landline(1));
    assert.match(code, /^\d{6}$/);
    const call = voice.calls.find((c) => c.to === landline(1));
    assert.equal(
      call?.text,
      `Votre code de vérification est : ${code.split('').join(', ')}. Je répète : ${code.split('').join(', ')}.`,
    );

    assert.deepEqual((await check('gen-voice', wrong(code))).body, { status: true, valid: false });
    const right = await check('gen-voice', code);
    assert.equal(right.status, 200);
    assert.deepEqual(right.body, { status: true, valid: true });
    // Spent, as Twilio Verify's approved verification: found no more, right code or not.
    for (const again of [code, wrong(code)]) {
      const spent = await check('gen-voice', again);
      assert.equal(spent.status, 404);
      assert.deepEqual(spent.body, { status: false, error: 'verification not found' });
    }
  });

  it('generates the code of an SMS too: the one the carrier received is the one accepted', async () => {
    const sent = await server.call('send_verification', { to: mobile(1), language: 'en' });
    assert.equal(sent.body.status, true);
    assert.deepEqual(Object.keys(sent.body), ['status', 'request_id']);
    const text = await waitFor('the SMS', () => sms.submitted.find((s) => s.to === mobile(1))?.text);
    const match = /^Your verification code is (\d{6})$/.exec(text);
    assert.ok(match?.[1], text);
    assert.deepEqual((await check(sent.body.request_id, match[1])).body, { status: true, valid: true });
  });

  it('checks a code the client chose, and answers false to a wrong one', async () => {
    await server.call('send_verification', { to: mobile(2), code: '4815', request_id: 'own' });
    assert.deepEqual((await check('own', '4816')).body, { status: true, valid: false });
    assert.deepEqual((await check('own', '48150')).body, { status: true, valid: false });
    assert.deepEqual((await check('own', '4815')).body, { status: true, valid: true });
  });

  it('refuses a code after it expired (10 minutes by default)', async () => {
    await server.call('send_verification', { to: mobile(3), code: '2468', request_id: 'late' });
    clock += 9 * 60_000;
    assert.deepEqual((await check('late', '1357')).body, { status: true, valid: false });
    clock += 60_000;
    const late = await check('late', '2468');
    assert.equal(late.status, 409);
    assert.deepEqual(late.body, { status: false, error: 'verification code expired' });
  });

  it('refuses any check after 5, even the right code', async () => {
    await server.call('send_verification', { to: mobile(4), code: '9753', request_id: 'guessed' });
    for (let i = 0; i < 5; i++)
      assert.deepEqual((await check('guessed', `100${i}`)).body, { status: true, valid: false });
    const sixth = await check('guessed', '9753');
    assert.equal(sixth.status, 429);
    assert.deepEqual(sixth.body, { status: false, error: 'too many attempts for this verification' });
  });

  it('counts concurrent checks exactly: of 20 wrong guesses at once, 5 are answered', async () => {
    await server.call('send_verification', { to: mobile(5), code: '8642', request_id: 'burst' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => check('burst', `77${10 + i}`)));
    assert.equal(answers.filter((a) => a.status === 200).length, 5);
    assert.equal(answers.filter((a) => a.status === 429).length, 15);
  });

  it('answers another account’s request_id exactly as an unknown one, and counts nothing', async () => {
    await server.call('send_verification', { to: mobile(6), code: '1122', request_id: 'mine' });
    const other = await server.createAccount();
    const theirs = await check('mine', '1122', other.key);
    const unknown = await check('no-such-request', '1122');
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.body, unknown.body);
    assert.deepEqual(unknown.body, { status: false, error: 'verification not found' });
    const seen = await server.call('get_verification', { request_id: 'mine' }, { key: other.key });
    assert.deepEqual([seen.status, seen.body], [404, unknown.body]);
    const mine = await server.call('get_verification', { request_id: 'mine' });
    assert.equal(mine.body.verification.check_attempts, 0);
  });

  it('refuses a check without request_id or with a code that is not one', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ code: '1234' }, 'request_id parameter is missing'],
      [{ request_id: ' ', code: '1234' }, 'request_id parameter is missing'],
      [{ request_id: 'own' }, 'code must be 4 to 10 digits'],
      [{ request_id: 'own', code: '12a4' }, 'code must be 4 to 10 digits'],
    ];
    for (const [params, error] of cases) {
      const { status, body } = await server.call('check_verification', params);
      assert.deepEqual([status, body], [400, { status: false, error }], JSON.stringify(params));
    }
    const { status, body } = await server.call('get_verification', {});
    assert.deepEqual([status, body], [400, { status: false, error: 'request_id parameter is missing' }]);
  });

  it('shows a called verification: channel, call outcome, attempts, times — never the code', async () => {
    const sentAt = clock;
    await server.call('send_verification', {
      to: landline(2),
      code: '3141',
      language: 'en',
      request_id: 'shown',
    });
    await calledCode(landline(2));
    await waitFor('the call recorded', async () => {
      const { body } = await server.call('get_verification', { request_id: 'shown' });
      return body.verification.delivery_status === 'answered';
    });
    await check('shown', '2718');
    const { status, body } = await server.call('get_verification', { request_id: 'shown' });
    assert.equal(status, 200);
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    assert.deepEqual(body, {
      status: true,
      verification: {
        request_id: 'shown',
        to: landline(2),
        channel: 'voice',
        language: 'en',
        status: 'pending',
        delivery_status: 'answered',
        check_attempts: 1,
        call: {
          attempts: 1,
          outcome: 'answered',
          sip_code: null,
          duration_ms: 0,
          answered_at: stamp(sentAt),
          error: null,
        },
        created_at: stamp(sentAt),
        expires_at: stamp(sentAt + 600_000),
        verified_at: null,
      },
    });
    assert.doesNotMatch(JSON.stringify(body), /3141/);
    await check('shown', '3141');
    const verified = await server.call('get_verification', { request_id: 'shown' });
    assert.equal(verified.body.verification.status, 'verified');
    assert.equal(verified.body.verification.verified_at, stamp(sentAt));
  });

  it('shows an SMS verification with no call, then expired', async () => {
    await server.call('send_verification', { to: mobile(7), code: '5555', request_id: 'by-sms' });
    const { body } = await server.call('get_verification', { request_id: 'by-sms' });
    assert.equal(body.verification.channel, 'sms');
    assert.equal(body.verification.call, null);
    assert.equal(body.verification.status, 'pending');
    clock += 600_000;
    const later = await server.call('get_verification', { request_id: 'by-sms' });
    assert.equal(later.body.verification.status, 'expired');
  });
});
