import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CallDialog, type DialogAction } from '../../../src/transport/voice/call-dialog.js';
import { answerChallenge, readChallenge } from '../../../src/transport/voice/digest-auth.js';
import { buildOffer } from '../../../src/transport/voice/sdp.js';
import { sipLib, type SipRequest, type SipResponse } from '../../../src/transport/voice/sip-lib.js';

/**
 * The dialog state machine, socket-free, fed SIP messages as text (test/fixtures/sip/): written after
 * what baresip and Asterisk send (headers, tags, Record-Route, SDP), not captured off the wire; the
 * loader turns LF into CRLF and sets Content-Length.
 */
function fixture(name: string): SipResponse & SipRequest {
  const text = readFileSync(new URL(`../../fixtures/sip/${name}.txt`, import.meta.url), 'utf8');
  const [head = '', body = ''] = text.split(/\n\n/);
  const crlfBody = body.replace(/\n/g, '\r\n');
  const wire = `${head.replace(/\n/g, '\r\n').replace(/Content-Length: \d+/, `Content-Length: ${crlfBody.length}`)}\r\n\r\n${crlfBody}`;
  const message = sipLib.parse(wire);
  assert.ok(message, `fixture ${name} parses`);
  return message as SipResponse & SipRequest;
}

const OFFER = buildOffer({ address: '127.0.0.1', port: 40000, codecs: ['PCMU', 'PCMA'], sessionId: 7 });

function dialog(credentials?: { user: string; password: string }): CallDialog {
  return new CallDialog({
    identity: {
      callId: 'fixture-call@vudumobile',
      requestUri: 'sip:+15145550123@trunk.example.net:5060',
      from: { uri: 'sip:15145550000@trunk.example.net', params: { tag: 'ourtag' } },
      to: { uri: 'sip:+15145550123@trunk.example.net', params: {} },
      contact: { uri: 'sip:vudumobile@127.0.0.1:5070', params: {} },
    },
    offer: OFFER,
    codecs: ['PCMU', 'PCMA'],
    ringTimeoutMs: 40_000,
    credentials,
    cnonce: () => '0a4f113b',
  });
}

const kinds = (actions: DialogAction[]): string[] =>
  actions.map((a) =>
    a.kind === 'send'
      ? `send ${a.request.method}`
      : a.kind === 'respond'
        ? `respond ${a.response.status}`
        : a.kind,
  );

function sent(actions: DialogAction[], method: string): SipRequest {
  const action = actions.find((a) => a.kind === 'send' && a.request.method === method);
  assert.ok(action && action.kind === 'send', `a ${method} was sent`);
  return action.request;
}

function ended(actions: DialogAction[]): {
  outcome: string;
  sipCode?: number;
  reason: string;
  tryNextTrunk: boolean;
} {
  const action = actions.find((a) => a.kind === 'ended');
  assert.ok(action && action.kind === 'ended', 'the call ended');
  return action.end;
}

/** A dialog through INVITE, 180 and the 200 OK. */
function answeredDialog(): { call: CallDialog; actions: DialogAction[] } {
  const call = dialog();
  call.start();
  call.onResponse(fixture('180-ringing'), true);
  return { call, actions: call.onResponse(fixture('200-ok-invite'), true) };
}

describe('CallDialog: the SIP dialog of one outgoing call', () => {
  it('starts with an INVITE carrying our SDP offer, and arms the ring timer', () => {
    const actions = dialog().start();
    assert.deepEqual(kinds(actions), ['send INVITE', 'arm']);
    const invite = sent(actions, 'INVITE');
    assert.equal(invite.uri, 'sip:+15145550123@trunk.example.net:5060');
    assert.deepEqual(invite.headers.cseq, { seq: 1, method: 'INVITE' });
    assert.equal(invite.headers.from?.params.tag, 'ourtag');
    assert.equal(invite.headers.to?.params.tag, undefined);
    assert.equal(invite.headers['content-type'], 'application/sdp');
    assert.match(invite.content ?? '', /^m=audio 40000 RTP\/AVP 0 8 101$/m);
    assert.match(invite.content ?? '', /^a=rtpmap:101 telephone-event\/8000$/m);
  });

  it('ACKs the 200 OK to its Contact through the reversed Record-Route, then starts the media it answered', () => {
    const { actions } = answeredDialog();
    assert.deepEqual(kinds(actions), ['send ACK', 'answered']);
    const ack = sent(actions, 'ACK');
    assert.equal(ack.uri, 'sip:+15145550123@198.51.100.20:5060');
    assert.deepEqual(ack.headers.cseq, { seq: 1, method: 'ACK' });
    assert.equal(ack.headers.to?.params.tag, '3c0f7b2e');
    assert.deepEqual(
      ack.headers.route?.map((r) => sipLib.stringifyUri(r.uri)),
      ['sip:198.51.100.2;lr', 'sip:198.51.100.1;lr;ftag=ourtag'],
    );
    const answered = actions.find((a) => a.kind === 'answered');
    assert.deepEqual(answered?.kind === 'answered' && answered.media, {
      address: '198.51.100.20',
      port: 20094,
      codec: 'PCMA',
      payloadType: 8,
    });
  });

  it('ACKs a retransmitted 200 OK again, and nothing more', () => {
    const { call } = answeredDialog();
    assert.deepEqual(kinds(call.onResponse(fixture('200-ok-invite'), true)), ['send ACK']);
  });

  it('hangs up after the prompt: BYE in the dialog, and the call ends when the BYE is answered', () => {
    const { call } = answeredDialog();
    const actions = call.promptEnded();
    assert.deepEqual(kinds(actions), ['stop-media', 'send BYE']);
    const bye = sent(actions, 'BYE');
    assert.deepEqual(bye.headers.cseq, { seq: 2, method: 'BYE' });
    assert.equal(bye.headers.to?.params.tag, '3c0f7b2e');
    assert.deepEqual(ended(call.onResponse(fixture('200-ok-bye'), true)), {
      outcome: 'answered',
      reason: 'prompt played',
      tryNextTrunk: false,
    });
  });

  it("answers the callee's BYE with 200 and ends the call as answered", () => {
    const { call } = answeredDialog();
    const actions = call.onRequest(fixture('bye-from-callee'));
    assert.deepEqual(kinds(actions), ['respond 200', 'stop-media', 'ended']);
    assert.equal(ended(actions).reason, 'the callee hung up');
  });

  it('answers a re-INVITE with our same SDP (session timer echoed) and follows the moved media; UPDATE without body gets a bare 200', () => {
    const { call } = answeredDialog();
    const actions = call.onRequest(fixture('reinvite-from-callee'));
    assert.deepEqual(kinds(actions), ['respond 200', 'media-moved']);
    const ok = actions[0]?.kind === 'respond' ? actions[0].response : undefined;
    assert.equal(ok?.content, OFFER);
    assert.equal(ok?.headers['session-expires'], '1800;refresher=uac');
    const moved = actions[1]?.kind === 'media-moved' ? actions[1].media : undefined;
    assert.deepEqual(moved, { address: '198.51.100.30', port: 30000, codec: 'PCMA', payloadType: 8 });
    const update = call.onRequest(fixture('update-from-callee'));
    assert.deepEqual(kinds(update), ['respond 200']);
    assert.equal(update[0]?.kind === 'respond' && update[0].response.content, undefined);
  });

  it('answers a 401 once with digest credentials (next CSeq), and gives up on a second 401', () => {
    const call = dialog({ user: 'acme', password: 's3cret' });
    call.start();
    const retry = call.onResponse(fixture('401-unauthorized'), true);
    const invite = sent(retry, 'INVITE');
    assert.deepEqual(invite.headers.cseq, { seq: 2, method: 'INVITE' });
    const [authorization] = invite.headers.authorization ?? [];
    const challenge = readChallenge(401, fixture('401-unauthorized').headers['www-authenticate']);
    assert.ok(challenge);
    const expected = answerChallenge(
      challenge,
      { user: 'acme', password: 's3cret' },
      'INVITE',
      String(invite.uri),
      1,
      '0a4f113b',
    );
    assert.deepEqual(authorization, expected);
    assert.equal(authorization?.opaque, '"5ccc069c403ebaf9f0171e9517f40e41"');
    const second = {
      ...fixture('401-unauthorized'),
      headers: { ...fixture('401-unauthorized').headers, cseq: { seq: 2, method: 'INVITE' } },
    };
    assert.deepEqual(ended(call.onResponse(second, true)), {
      outcome: 'failed',
      sipCode: 401,
      reason: 'Unauthorized',
      tryNextTrunk: false,
    });
  });

  it('maps final answers to outcomes: 486 busy, 480 no answer, 603 failed, 503 next trunk', () => {
    const cases: [number, string, string, boolean][] = [
      [486, 'Busy Here', 'busy', false],
      [600, 'Busy Everywhere', 'busy', false],
      [480, 'Temporarily Unavailable', 'no_answer', false],
      [408, 'Request Timeout', 'no_answer', false],
      [404, 'Not Found', 'failed', false],
      [603, 'Decline', 'failed', false],
      [503, 'Service Unavailable', 'failed', true],
    ];
    for (const [status, reason, outcome, tryNextTrunk] of cases) {
      const call = dialog();
      call.start();
      const response = { ...fixture('486-busy'), status, reason };
      assert.deepEqual(
        ended(call.onResponse(response, true)),
        { outcome, sipCode: status, reason, tryNextTrunk },
        `${status}`,
      );
    }
  });

  it('a 408 the stack made up (no answer at all to the INVITE) is a trunk failure, not a no-answer', () => {
    const call = dialog();
    call.start();
    const timeout = { ...fixture('486-busy'), status: 408, reason: '' };
    assert.equal(ended(call.onResponse(timeout, false)).tryNextTrunk, true);
  });

  it("ring timeout: CANCEL only once the phone rings (§9.1), with the INVITE's Via; 487 ends it as no_answer", () => {
    const call = dialog();
    const [start] = call.start();
    assert.ok(start?.kind === 'send');
    start.request.headers.via = [
      { version: '2.0', protocol: 'UDP', host: '127.0.0.1', port: 5070, params: { branch: 'z9hG4bK123456' } },
    ];
    assert.deepEqual(call.timerFired('ring'), [], 'nothing to cancel before a provisional answer');
    const onRinging = call.onResponse(fixture('180-ringing'), true);
    assert.deepEqual(kinds(onRinging), ['send CANCEL', 'arm']);
    const cancel = sent(onRinging, 'CANCEL');
    assert.deepEqual(cancel.headers.cseq, { seq: 1, method: 'CANCEL' });
    assert.equal(cancel.headers.via?.[0]?.params.branch, 'z9hG4bK123456');
    assert.deepEqual(ended(call.onResponse(fixture('487-terminated'), true)), {
      outcome: 'no_answer',
      sipCode: 487,
      reason: 'ring timeout (cancelled)',
      tryNextTrunk: false,
    });
  });

  it('a 200 OK crossing our CANCEL is ACKed and hung up at once', () => {
    const call = dialog();
    call.start();
    call.onResponse(fixture('180-ringing'), true);
    call.timerFired('ring');
    const actions = call.onResponse(fixture('200-ok-invite'), true);
    assert.deepEqual(kinds(actions), ['send ACK', 'stop-media', 'send BYE']);
    assert.equal(ended(call.onResponse(fixture('200-ok-bye'), true)).outcome, 'no_answer');
  });

  it('an answer with none of our codecs is ACKed, hung up, and failed', () => {
    const call = dialog();
    call.start();
    const ok = fixture('200-ok-invite');
    ok.content = (ok.content ?? '').replace('RTP/AVP 8 101', 'RTP/AVP 18 101');
    assert.deepEqual(kinds(call.onResponse(ok, true)), ['send ACK', 'stop-media', 'send BYE']);
    const end = ended(call.onResponse(fixture('200-ok-bye'), true));
    assert.deepEqual(
      [end.outcome, end.sipCode, end.reason],
      ['failed', 488, 'the callee accepted none of our codecs'],
    );
  });

  it('answers requests outside a confirmed dialog with 481, OPTIONS with 200, unknown methods with 501', () => {
    const call = dialog();
    call.start();
    assert.deepEqual(kinds(call.onRequest(fixture('bye-from-callee'))), ['respond 481']);
    const { call: live } = answeredDialog();
    assert.deepEqual(kinds(live.onRequest({ ...fixture('update-from-callee'), method: 'OPTIONS' })), [
      'respond 200',
    ]);
    assert.deepEqual(kinds(live.onRequest({ ...fixture('update-from-callee'), method: 'MESSAGE' })), [
      'respond 501',
    ]);
  });
});
