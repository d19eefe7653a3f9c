/**
 * RTP (RFC 3550) for the prompt: 20 ms packets of G.711 (160 samples at 8 kHz), sequence numbers
 * from a random start wrapping at 16 bits, timestamps +160 a packet from a random start, a random
 * SSRC, the marker bit on the first packet of the talk-spurt (RFC 3551 §4.1).
 *
 * Pacing: packet n is due at start + n × 20 ms on a monotonic clock. Each wake sends every packet
 * already due and sleeps until the next one, so a late timer (a busy event loop) delays a packet or
 * two but never the rest of the stream: lateness does not add up as a chain of setTimeout(20) would.
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
    packet[0] = 0x80; // version 2, no padding, no extension, no CSRC
    packet[1] = (this.first ? 0x80 : 0) | (this.payloadType & 0x7f);
    packet.writeUInt16BE(this.sequence, 2);
    packet.writeUInt32BE(this.timestamp, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    packet.set(payload, RTP_HEADER_BYTES);
    this.first = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + payload.length) >>> 0;
    return packet;
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

/** The clock pacing a stream: real time in the transport, driven by hand in tests. */
export interface PacingClock {
  /** Monotonic milliseconds. */
  now(): number;
  schedule(callback: () => void, delayMs: number): { cancel(): void };
}

export const realClock: PacingClock = {
  now: () => performance.now(),
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface PacedStream {
  /** Resolves when the last packet has been sent, or the stream was stopped. */
  readonly done: Promise<void>;
  stop(): void;
}

/** Sends `count` packets, packet n at start + n × 20 ms, through `send(n)`. */
export function pace(
  count: number,
  send: (index: number) => void,
  clock: PacingClock = realClock,
): PacedStream {
  const start = clock.now();
  let next = 0;
  let timer: { cancel(): void } | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const tick = (): void => {
    timer = undefined;
    const now = clock.now();
    while (next < count && start + next * FRAME_MS <= now) send(next++);
    if (next >= count) finish();
    else timer = clock.schedule(tick, start + next * FRAME_MS - now);
  };
  tick();
  return {
    done,
    stop() {
      timer?.cancel();
      next = count;
      finish();
    },
  };
}
