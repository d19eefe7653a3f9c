import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerChallenge, readChallenge } from '../../../src/transport/voice/digest-auth.js';

describe('digest authentication', () => {
  it("computes RFC 2617 §3.5's example response (MD5, qop=auth)", () => {
    const challenge = readChallenge(401, [
      {
        scheme: 'Digest',
        realm: '"testrealm@host.com"',
        qop: '"auth,auth-int"',
        nonce: '"dcd98b7102dd2f0e8b11d0f600bfb0c093"',
        opaque: '"5ccc069c403ebaf9f0171e9517f40e41"',
      },
    ]);
    assert.ok(challenge);
    const answer = answerChallenge(
      challenge,
      { user: 'Mufasa', password: 'Circle Of Life' },
      'GET',
      '/dir/index.html',
      1,
      '0a4f113b',
    );
    assert.equal(answer.response, '"6629fae49393a05397450978507c4ef1"');
    assert.equal(answer.nc, '00000001');
    assert.equal(answer.qop, 'auth');
  });

  it('prefers SHA-256 (RFC 8760) when offered beside MD5, and answers 407 in Proxy-Authorization', () => {
    const challenge = readChallenge(407, [
      { scheme: 'Digest', realm: '"r"', nonce: '"n"', algorithm: 'MD5', qop: '"auth"' },
      { scheme: 'Digest', realm: '"r"', nonce: '"n"', algorithm: 'SHA-256', qop: '"auth"' },
    ]);
    assert.equal(challenge?.algorithm, 'SHA-256');
    assert.equal(challenge?.header, 'proxy-authorization');
    const answer =
      challenge && answerChallenge(challenge, { user: 'u', password: 'p' }, 'INVITE', 'sip:x@y', 1, 'c');
    assert.equal(answer?.response?.length, 66, 'a quoted 64-hex-digit SHA-256 digest');
  });

  it('declines what it cannot answer: auth-int only, unknown algorithms, Basic', () => {
    assert.equal(
      readChallenge(401, [{ scheme: 'Digest', realm: '"r"', nonce: '"n"', qop: '"auth-int"' }]),
      undefined,
    );
    assert.equal(
      readChallenge(401, [{ scheme: 'Digest', realm: '"r"', nonce: '"n"', algorithm: 'AKAv1-MD5' }]),
      undefined,
    );
    assert.equal(readChallenge(401, [{ scheme: 'Basic', realm: '"r"' }]), undefined);
  });
});
