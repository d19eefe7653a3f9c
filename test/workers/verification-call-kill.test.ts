import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/messages.js';
import { callApi, prepareAccount, spawnApi, spawnWorker, type RunningProcess } from '../helpers/processes.js';
import { startSipPeer, type PeerBehaviour, type SipPeer } from '../helpers/sip-peer.js';

/**
 * Issue #14's "a worker killed mid-call leaves no second call to a number that answered", end to end:
 * `vudumobile serve --role worker` places a landline's verification call to a scripted SIP callee on
 * loopback and is SIGKILLed during the call; a second worker on the same database takes over once the
 * dead one's lease has run out. The callee counts the INVITEs it received for the number.
 */

/** Short enough for the test to outlive it many times over, long enough for a loaded machine's renewals. */
const LEASE_MS = 2_000;
const LANDLINES = '1514555';
/** Generous: the processes start from the compiled CLI on a machine other tests share. */
const DEADLINE_MS = 30_000;

describe(`a verification call's worker SIGKILLed mid-call (${TEST_STORE})`, () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store;
  let key: string;
  let api: RunningProcess & { url: string };
  const processes: RunningProcess[] = [];
  const peers: SipPeer[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-call-kill-'));
    database = await createTestDatabase(dir);
    ({ store, key } = await prepareAccount(database.url));
    api = await spawnApi(baseEnv());
    processes.push(api);
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all(peers.map((p) => p.stop()));
    await store.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  function baseEnv(): Record<string, string> {
    return {
      DATABASE_URL: database.url,
      DATA_DIR: dir,
      LANDLINE_PREFIXES: LANDLINES,
      VERIFY_CALL_LEASE_MS: String(LEASE_MS),
      VERIFY_CALL_RETRIES: '0',
    };
  }

  async function callee(behaviour: PeerBehaviour): Promise<SipPeer> {
    const peer = await startSipPeer(behaviour);
    peers.push(peer);
    return peer;
  }

  async function worker(peer: SipPeer): Promise<RunningProcess> {
    const started = await spawnWorker({
      ...baseEnv(),
      VOICE_URL: `sip:127.0.0.1:${peer.port};transport=udp;ring_timeout=5`,
    });
    processes.push(started);
    return started;
  }

  /** The initial INVITEs (no To tag: not a re-INVITE) the callee received for `number`. */
  function invitesTo(peer: SipPeer, number: string): string[] {
    return peer.requests
      .filter((r) => r.method === 'INVITE' && !r.headers.to?.params.tag)
      .filter((r) => {
        const uri = r.headers.to?.uri;
        return (typeof uri === 'string' ? uri : (uri?.user ?? '')).includes(number);
      })
      .map((r) => r.headers['call-id'] ?? '');
  }

  async function sendCode(to: string, requestId: string): Promise<void> {
    const sent = await callApi(api.url, key, 'send_verification', {
      to,
      request_id: requestId,
      code: '481526',
    });
    assert.deepEqual(sent.body, { status: true, request_id: requestId });
  }

  async function verification(requestId: string): Promise<{ call: Record<string, unknown> }> {
    const seen = await callApi(api.url, key, 'get_verification', { request_id: requestId });
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    return seen.body.verification as { call: Record<string, unknown> };
  }

  it('killed after the callee answered: the number gets one INVITE, and the call is settled as answered', async () => {
    const number = `${LANDLINES}0101`;
    const peer = await callee({ kind: 'answer' });
    const first = await worker(peer);
    await sendCode(number, 'answered-then-killed');

    // The prompt's first packets prove the answer was recorded: the caller writes in_call before
    // it plays (CallProgress.answered is awaited).
    await waitFor('the prompt arriving at the callee', () => peer.rtp.length >= 5, DEADLINE_MS);
    await first.stop('SIGKILL');
    assert.equal(invitesTo(peer, number).length, 1);
    assert.ok(!peer.requests.some((r) => r.method === 'BYE'), 'killed before the prompt ended');

    const second = await worker(peer);
    const settled = await waitFor(
      'the second worker settling the dead one’s call',
      async () => {
        const { call } = await verification('answered-then-killed');
        return call.error !== null ? call : undefined;
      },
      DEADLINE_MS,
    );
    assert.equal(settled.outcome, 'answered');
    assert.equal(settled.error, 'the caller stopped during the call');
    assert.equal(settled.attempts, 1);
    assert.notEqual(settled.answered_at, null);
    // Settled for good (status answered): no later poll of the second worker can claim it again.
    assert.equal(invitesTo(peer, number).length, 1);
    // A clean stop (nothing in progress); the next case's workers must be the only callers.
    assert.equal(await second.stop(), 0);
  });

  it('killed while the phone rang: the second worker calls again (nobody heard the code)', async () => {
    const number = `${LANDLINES}0202`;
    const peer = await callee({ kind: 'ring' });
    const first = await worker(peer);
    await sendCode(number, 'ringing-then-killed');

    await waitFor('the first INVITE', () => invitesTo(peer, number).length === 1, DEADLINE_MS);
    await first.stop('SIGKILL');

    const second = await worker(peer);
    const invites = await waitFor(
      'a second INVITE once the lease ran out',
      () => {
        const seen = invitesTo(peer, number);
        return seen.length >= 2 ? seen : undefined;
      },
      DEADLINE_MS,
    );
    assert.equal(invites.length, 2);
    assert.notEqual(invites[0], invites[1], 'a new call (Call-ID), not a retransmission');
    // The second call rings past ring_timeout (5 s): CANCEL, 487, no_answer, no retry (VERIFY_CALL_RETRIES=0).
    const settled = await waitFor(
      'the second call ending unanswered',
      async () => {
        const { call } = await verification('ringing-then-killed');
        return call.outcome !== null ? call : undefined;
      },
      DEADLINE_MS,
    );
    assert.equal(settled.outcome, 'no_answer');
    assert.equal(settled.sip_code, 487);
    assert.ok(peer.requests.some((r) => r.method === 'CANCEL' && r.headers['call-id'] === invites[1]));
    assert.equal(await second.stop(), 0);
  });
});
