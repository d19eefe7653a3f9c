import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { TransportError, type VoiceCall } from '../../../src/domain/ports/transports.js';
import { SipVoiceTransport } from '../../../src/transport/voice/sip-voice-transport.js';
import { parseVoiceUrls } from '../../../src/transport/voice/voice-url.js';
import { waitFor } from '../../helpers/messages.js';
import { startSipPeer, type PeerBehaviour, type SipPeer } from '../../helpers/sip-peer.js';

/** The SIP transport against a scripted callee on loopback: each way a call can end. */

const CALL: VoiceCall = { to: '15145550123', from: '15145550000', language: 'en', code: '42', text: '' };
const peers: SipPeer[] = [];
const transports: SipVoiceTransport[] = [];

after(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await Promise.all(peers.map((p) => p.stop()));
});

async function peer(behaviour: PeerBehaviour, protocol: 'udp' | 'tcp' = 'udp'): Promise<SipPeer> {
  const started = await startSipPeer(behaviour, protocol);
  peers.push(started);
  return started;
}

function transport(voiceUrl: string): SipVoiceTransport {
  const { trunks, problems } = parseVoiceUrls(voiceUrl);
  assert.deepEqual(problems, []);
  const created = new SipVoiceTransport(trunks, pino({ level: 'silent' }));
  transports.push(created);
  return created;
}

const methods = (p: SipPeer): string[] => p.requests.map((r) => r.method);

describe('SIP voice transport: outcomes against a scripted callee', () => {
  it('answers a 401 challenge with digest credentials, then plays the prompt after `answered`', async () => {
    const callee = await peer({ kind: 'challenge', user: 'acme', password: 's3cret' });
    const voice = transport(`sip:acme:s3cret@127.0.0.1:${callee.port}`);
    const answered: string[] = [];
    const result = await voice.placeCall(CALL, {
      answered: async (callId) => {
        answered.push(callId);
        assert.equal(callee.rtp.length, 0, 'no audio before the caller recorded the answer');
      },
    });
    assert.equal(result.outcome, 'answered');
    assert.equal(result.reason, 'prompt played');
    assert.deepEqual(answered, [result.callId]);
    const invites = callee.requests.filter((r) => r.method === 'INVITE');
    assert.equal(invites.length, 2);
    assert.equal(invites[0]?.headers.authorization, undefined);
    assert.equal(invites[1]?.headers.authorization?.length, 1);
    assert.equal(invites[1]?.headers.cseq?.seq, (invites[0]?.headers.cseq?.seq ?? 0) + 1);
    assert.equal(invites[1]?.headers['call-id'], invites[0]?.headers['call-id']);
    assert.deepEqual(
      methods(callee).slice(-2),
      ['ACK', 'BYE'],
      'we ACK the 200 and hang up after the prompt',
    );
    const [first, second] = callee.rtp;
    assert.ok(first && second, 'RTP received');
    assert.equal(first.marker, true);
    assert.equal(second.marker, false);
    assert.equal(first.payloadType, 0);
    assert.equal(first.payload.length, 160);
    assert.equal(second.sequence, (first.sequence + 1) & 0xffff);
    assert.equal(second.timestamp, (first.timestamp + 160) >>> 0);
    assert.ok(result.durationMs > 0);
  });

  it('a refused password ends as failed with the 401', async () => {
    const callee = await peer({ kind: 'challenge', user: 'acme', password: 's3cret' });
    const voice = transport(`sip:acme:wrong@127.0.0.1:${callee.port}`);
    const result = await voice.placeCall(CALL);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.sipCode, 401);
    assert.equal(result.durationMs, 0);
    assert.equal(
      methods(callee).filter((m) => m === 'INVITE').length,
      2,
      'one answer to the challenge, no loop',
    );
  });

  it('486 Busy Here is busy', async () => {
    const callee = await peer({ kind: 'reject', status: 486, reason: 'Busy Here' });
    const result = await transport(`sip:127.0.0.1:${callee.port}`).placeCall(CALL);
    assert.deepEqual(
      { outcome: result.outcome, sipCode: result.sipCode, reason: result.reason },
      { outcome: 'busy', sipCode: 486, reason: 'Busy Here' },
    );
  });

  it('a phone that rings past ring_timeout is CANCELled: no_answer, 487', async () => {
    const callee = await peer({ kind: 'ring' });
    const result = await transport(`sip:127.0.0.1:${callee.port};ring_timeout=5`).placeCall(CALL);
    assert.equal(result.outcome, 'no_answer');
    assert.equal(result.sipCode, 487);
    assert.ok(methods(callee).includes('CANCEL'));
    const cancel = callee.requests.find((r) => r.method === 'CANCEL');
    const invite = callee.requests.find((r) => r.method === 'INVITE');
    assert.equal(cancel?.headers.via?.[0]?.params.branch, invite?.headers.via?.[0]?.params.branch);
  });

  it('503 on the first trunk moves the call to the next one', async () => {
    const down = await peer({ kind: 'reject', status: 503, reason: 'Service Unavailable' });
    const up = await peer({ kind: 'answer', hangUpAfterMs: 300 });
    const voice = transport(`sip:127.0.0.1:${down.port},sip:127.0.0.1:${up.port}`);
    const result = await voice.placeCall(CALL);
    assert.equal(result.outcome, 'answered');
    assert.equal(result.reason, 'the callee hung up');
    assert.deepEqual(methods(down).filter((m) => m === 'INVITE').length, 1);
    assert.ok(methods(up).includes('INVITE'));
  });

  it('a full trunk overflows to the next: the transport carries the sum of max_calls, then calls wait', async () => {
    const first = await peer({ kind: 'answer', hangUpAfterMs: 1_500 });
    const second = await peer({ kind: 'answer', hangUpAfterMs: 1_500 });
    const voice = transport(
      `sip:127.0.0.1:${first.port};max_calls=2;cps=100,sip:127.0.0.1:${second.port};max_calls=1;cps=100`,
    );
    assert.equal(voice.maxConcurrentCalls, 3);
    const invites = (p: SipPeer) => methods(p).filter((m) => m === 'INVITE').length;
    const calls = [1, 2, 3, 4].map((n) => voice.placeCall({ ...CALL, to: `1514555010${n}` }));
    // Two calls on the first trunk, the third overflows; the fourth waits for a channel of the first.
    await waitFor('three calls in progress', () => invites(first) + invites(second) === 3, 10_000);
    assert.equal(invites(first), 2);
    assert.equal(invites(second), 1);
    assert.ok(!methods(first).includes('BYE') && !methods(second).includes('BYE'), 'all three at once');
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['answered', 'answered', 'answered', 'answered'],
    );
    assert.equal(invites(first), 3, 'the waiting call took the first freed channel of the first trunk');
  });

  it('no trunk reachable: a retryable TransportError, not an outcome', async () => {
    const closed = await startSipPeer({ kind: 'ring' }, 'tcp');
    await closed.stop(); // its port is now closed: the TCP connection is refused
    const voice = transport(`sip:127.0.0.1:${closed.port};transport=tcp`);
    await assert.rejects(voice.placeCall(CALL), (error: unknown) => {
      assert.ok(error instanceof TransportError);
      assert.equal(error.retryable, true);
      assert.match(error.message, /no SIP trunk could place the call/);
      return true;
    });
  });

  it('over TCP, a re-INVITE moving the media is answered with our SDP and the prompt follows it (A-law)', async () => {
    const callee = await peer(
      { kind: 'answer', codec: 'PCMA', reInviteAfterMs: 300, hangUpAfterMs: 1_200 },
      'tcp',
    );
    const result = await transport(`sip:127.0.0.1:${callee.port};transport=tcp`).placeCall(CALL);
    assert.equal(result.outcome, 'answered');
    const reInvite = callee.responses.find((r) => r.headers.cseq?.method === 'INVITE');
    assert.equal(reInvite?.status, 200);
    assert.match(reInvite?.content ?? '', /m=audio \d+ RTP\/AVP 0 8 101/);
    await waitFor("our 200 to the callee's BYE", () =>
      callee.responses.some((r) => r.headers.cseq?.method === 'BYE' && r.status === 200),
    );
    const ports = new Set(callee.rtp.map((p) => p.port));
    assert.equal(ports.size, 2, 'packets went to the first, then to the moved address');
    assert.ok(callee.rtp.every((p) => p.payloadType === 8));
  });
});
