import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVoiceUrls } from '../../../src/transport/voice/voice-url.js';

describe('VOICE_URL', () => {
  it('reads a trunk with credentials and every parameter', () => {
    const { trunks, problems } = parseVoiceUrls(
      'sip:acme:p%40ss@trunk.example.net:5080;transport=tcp;caller_id=+15145550000;codecs=pcma,pcmu;max_calls=4;cps=2.5;ring_timeout=30;dial_prefix=011;name=main;local_port=5070;public_address=203.0.113.7',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(trunks, [
      {
        name: 'main',
        host: 'trunk.example.net',
        port: 5080,
        protocol: 'tcp',
        user: 'acme',
        password: 'p@ss',
        callerId: '15145550000',
        codecs: ['PCMA', 'PCMU'],
        maxCalls: 4,
        callsPerSecond: 2.5,
        ringTimeoutMs: 30_000,
        dialPrefix: '011',
        localPort: 5070,
        publicAddress: '203.0.113.7',
      },
    ]);
  });

  it('defaults: UDP on 5060, µ-law then A-law, 10 calls, 5 per second, 40 s of ringing, E.164 with +', () => {
    const [trunk] = parseVoiceUrls('sip:10.0.0.5').trunks;
    assert.deepEqual(trunk, {
      name: '10.0.0.5:5060',
      host: '10.0.0.5',
      port: 5060,
      protocol: 'udp',
      user: '',
      password: '',
      callerId: undefined,
      codecs: ['PCMU', 'PCMA'],
      maxCalls: 10,
      callsPerSecond: 5,
      ringTimeoutMs: 40_000,
      dialPrefix: '+',
      localPort: 0,
      publicAddress: undefined,
    });
  });

  it('splits trunks at a comma before sip:, not inside codecs=, and accepts ?query parameters', () => {
    const { trunks, problems } = parseVoiceUrls(
      'sip:a:b@one.example:5060;codecs=pcma,pcmu, sip:two.example?transport=tcp&max_calls=2',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      trunks.map((t) => [t.host, t.protocol, t.codecs.join('+'), t.maxCalls]),
      [
        ['one.example', 'udp', 'PCMA+PCMU', 10],
        ['two.example', 'tcp', 'PCMU+PCMA', 2],
      ],
    );
  });

  it('reports every problem on its own line, naming the trunk', () => {
    const { trunks, problems } = parseVoiceUrls(
      'sips:a@tls.example, sip::pw@host;transport=sctp;codecs=g729;cps=0;ring_timeout=2;colour=blue, sip:host:99999',
    );
    assert.deepEqual(trunks, []);
    assert.deepEqual(problems, [
      'VOICE_URL trunk 1: sips: (SIP over TLS) is not supported; use sip: with transport=udp or tcp',
      'VOICE_URL trunk 2: a password needs a user (sip:user:password@host)',
      'VOICE_URL trunk 2: unknown parameter "colour" (expected one of transport, caller_id, codecs, max_calls, cps, ring_timeout, dial_prefix, name, local_port, public_address)',
      'VOICE_URL trunk 2: transport must be one of udp, tcp',
      'VOICE_URL trunk 2: codec "G729" is not supported (pcmu, pcma)',
      'VOICE_URL trunk 2: cps must be a number from 0.01 to 1000',
      'VOICE_URL trunk 2: ring_timeout must be a whole number from 5 to 300',
      'VOICE_URL trunk 3: port must be from 1 to 65535',
    ]);
  });
});
