import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeG711, encodeG711, linearToALaw, linearToMuLaw } from '../../../src/transport/voice/g711.js';
import { frames, packetize, RtpPacketizer } from '../../../src/transport/voice/rtp-stream.js';

describe('RTP packetisation', () => {
  it('writes RFC 3550 headers: version 2, marker on the first packet only, sequence wrapping at 16 bits, timestamp +160', () => {
    const packetizer = new RtpPacketizer(8, { sequence: 0xfffe, timestamp: 0xffffff00, ssrc: 0xdeadbeef });
    const payload = Buffer.alloc(160, 0xd5);
    const packets = [0, 1, 2, 3].map(() => packetizer.packet(payload));
    const headers = packets.map((p) => ({
      version: (p[0] ?? 0) >> 6,
      marker: ((p[1] ?? 0) & 0x80) !== 0,
      payloadType: (p[1] ?? 0) & 0x7f,
      sequence: p.readUInt16BE(2),
      timestamp: p.readUInt32BE(4),
      ssrc: p.readUInt32BE(8),
      length: p.length,
    }));
    assert.deepEqual(
      headers.map((h) => [h.marker, h.sequence, h.timestamp]),
      [
        [true, 0xfffe, 0xffffff00],
        [false, 0xffff, 0xffffffa0],
        [false, 0x0000, 0x00000040],
        [false, 0x0001, 0x000000e0],
      ],
    );
    assert.ok(
      headers.every(
        (h) => h.version === 2 && h.payloadType === 8 && h.ssrc === 0xdeadbeef && h.length === 172,
      ),
    );
  });

  it('starts each stream at a random sequence number, timestamp and SSRC', () => {
    const firsts = Array.from({ length: 8 }, () => new RtpPacketizer(0).packet(Buffer.alloc(160)));
    assert.ok(new Set(firsts.map((p) => p.readUInt32BE(8))).size > 1, 'SSRCs differ');
    assert.ok(new Set(firsts.map((p) => p.readUInt16BE(2))).size > 1, 'sequence starts differ');
  });

  it("cuts audio into 160-sample payloads, padding the last with the codec's silence", () => {
    const cut = frames(Buffer.alloc(400, 0x11), 0xff);
    assert.deepEqual(
      cut.map((f) => f.length),
      [160, 160, 160],
    );
    assert.equal(cut[2]?.[79], 0x11);
    assert.equal(cut[2]?.[80], 0xff);
  });

  it('writes a whole prompt in one go: the same packets, one after another, as packet() would', () => {
    const start = { sequence: 0xffff, timestamp: 7, ssrc: 42 };
    const encoded = Buffer.from(Array.from({ length: 500 }, (_, i) => i & 0x7f));
    const written = packetize(encoded, 0xff, new RtpPacketizer(0, start));
    const reference = new RtpPacketizer(0, start);
    assert.deepEqual(
      written.map((p) => p.toString('hex')),
      frames(encoded, 0xff).map((f) => reference.packet(f).toString('hex')),
    );
    assert.deepEqual(
      written.map((p) => [p.length, p.readUInt16BE(2)]),
      [
        [172, 0xffff],
        [172, 0],
        [172, 1],
        [172, 2],
      ],
    );
    assert.equal(written[3]?.[12 + 19], 499 & 0x7f, 'the last payload carries samples 480…499');
    assert.equal(written[3]?.[12 + 20], 0xff, 'then silence');
  });
});

describe('G.711', () => {
  it('encodes silence and full scale as the reference tables do', () => {
    assert.deepEqual([linearToMuLaw(0), linearToMuLaw(32767), linearToMuLaw(-32768)], [0xff, 0x80, 0x00]);
    assert.deepEqual([linearToALaw(0), linearToALaw(32767), linearToALaw(-32768)], [0xd5, 0xaa, 0x2a]);
  });

  it("round-trips within the law's quantisation (under 7 % of the sample beyond the smallest steps)", () => {
    const samples = Int16Array.from({ length: 2000 }, (_, i) => Math.round(Math.sin(i / 7) * 20000));
    for (const codec of ['PCMU', 'PCMA'] as const) {
      const back = decodeG711(encodeG711(samples, codec), codec);
      samples.forEach((sample, i) => {
        const error = Math.abs((back[i] ?? 0) - sample);
        assert.ok(error <= Math.max(40, Math.abs(sample) * 0.07), `${codec} ${sample} → ${back[i]}`);
      });
    }
  });
});
