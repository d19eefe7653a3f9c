/**
 * RTP (RFC 3550) for the prompt: 20 ms packets of G.711 (160 samples at 8 kHz), sequence numbers
 * from a random start wrapping at 16 bits, timestamps +160 a packet from a random start, a random
 * SSRC, the marker bit on the first packet of the talk-spurt (RFC 3551 §4.1).
 * A prompt's packets are all written before its first one leaves (`packetize`): sending one is then
 * a single socket write. Pacing is rtp-tick-grid.ts.
 */
import { randomInt } from 'node:crypto';

export const FRAME_MS = 20;
export const SAMPLES_PER_FRAME = 160;
const RTP_HEADER_BYTES = 12;

export interface RtpStart {
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
}

export function randomRtpStart(): RtpStart {
  return {
    sequence: randomInt(0, 0x10000),
    timestamp: randomInt(0, 0xffffffff),
    ssrc: randomInt(1, 0xffffffff),
  };
}

/** Wraps payloads in RTP headers, one packet after another. */
export class RtpPacketizer {
  private sequence: number;
  private timestamp: number;
  private first = true;
  readonly ssrc: number;

  constructor(
    readonly payloadType: number,
    start: RtpStart = randomRtpStart(),
  ) {
    this.sequence = start.sequence & 0xffff;
    this.timestamp = start.timestamp >>> 0;
    this.ssrc = start.ssrc >>> 0;
  }

  /** The next packet; G.711 carries one sample a byte, so the timestamp advances by the payload's length. */
  packet(payload: Uint8Array): Buffer {
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
    this.write(packet, payload);
    return packet;
  }

  /** Writes the next packet's header and `payload` into `packet` (exactly header + payload long). */
  write(packet: Buffer, payload: Uint8Array): void {
    packet[0] = 0x80; // version 2, no padding, no extension, no CSRC
    packet[1] = (this.first ? 0x80 : 0) | (this.payloadType & 0x7f);
    packet.writeUInt16BE(this.sequence, 2);
    packet.writeUInt32BE(this.timestamp, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    packet.set(payload, RTP_HEADER_BYTES);
    this.first = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + payload.length) >>> 0;
  }
}

/** Cuts encoded audio into 20 ms payloads, the last one padded with the codec's silence. */
export function frames(encoded: Buffer, silenceByte: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < encoded.length; offset += SAMPLES_PER_FRAME) {
    const frame = Buffer.alloc(SAMPLES_PER_FRAME, silenceByte);
    encoded.copy(frame, 0, offset, Math.min(encoded.length, offset + SAMPLES_PER_FRAME));
    out.push(frame);
  }
  return out;
}

/**
 * Every packet of a prompt, written at once into one buffer (each packet a view of it): 20 ms
 * payloads, the last one padded with the codec's silence byte.
 */
export function packetize(encoded: Uint8Array, silenceByte: number, packetizer: RtpPacketizer): Buffer[] {
  const payloads = frames(Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength), silenceByte);
  const size = RTP_HEADER_BYTES + SAMPLES_PER_FRAME;
  const all = Buffer.allocUnsafe(payloads.length * size);
  return payloads.map((payload, n) => {
    const packet = all.subarray(n * size, (n + 1) * size);
    packetizer.write(packet, payload);
    return packet;
  });
}
