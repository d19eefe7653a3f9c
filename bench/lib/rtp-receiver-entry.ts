/**
 * The callee's RTP receiver for bench:voice, on a thread of its own (rtp-receiver.ts): its event
 * loop does nothing but take datagrams and timestamp them, so the callee's SIP work and garbage
 * collections do not count as jitter of the caller's stream. Per call it keeps RFC 3550 §6.4.1's
 * D of each packet against the one before (arrival gap minus timestamp gap, 8 kHz) and the running
 * interarrival jitter J += (|D| − J) / 16, the figure RTCP receiver reports and Wireshark call
 * "jitter".
 */
import { createSocket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';

export type ReceiverRequest = { readonly op: 'open'; readonly token: number } | { readonly op: 'report' };

export interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ReceiverReport {
  readonly calls: number;
  readonly packets: number;
  readonly lostOrReordered: number;
  /** |D| of every packet but each call's first (ms). */
  readonly d: Spread;
  /** J after each packet, once each call's estimator has seen 16 packets (ms). */
  readonly j: Spread;
}

/** J starts at 0 and needs about 16 packets to reach the stream's level; before that it reads low. */
const J_SETTLED_AFTER = 16;

interface CallState {
  packets: number;
  lastAt: number;
  lastTimestamp: number;
  lastSequence: number;
  j: number;
}

const calls: CallState[] = [];
const ds: number[] = [];
const js: number[] = [];
let lostOrReordered = 0;
let packets = 0;

function receive(state: CallState, data: Buffer, at: number): void {
  if (data.length < 12) return;
  packets++;
  const sequence = data.readUInt16BE(2);
  const timestamp = data.readUInt32BE(4);
  if (state.packets > 0) {
    if (((sequence - state.lastSequence) & 0xffff) !== 1) lostOrReordered++;
    const d = Math.abs(at - state.lastAt - ((timestamp - state.lastTimestamp) >>> 0) / 8);
    ds.push(d);
    state.j += (d - state.j) / 16;
    if (state.packets >= J_SETTLED_AFTER) js.push(state.j);
  }
  state.packets++;
  state.lastAt = at;
  state.lastTimestamp = timestamp;
  state.lastSequence = sequence;
}

function spread(values: number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
  return { p50: at(50), p99: at(99), max: sorted.at(-1) ?? 0 };
}

parentPort?.on('message', (request: ReceiverRequest) => {
  if (request.op === 'report') {
    const report: ReceiverReport = {
      calls: calls.filter((c) => c.packets > 0).length,
      packets,
      lostOrReordered,
      d: spread(ds),
      j: spread(js),
    };
    parentPort?.postMessage({ op: 'report', report });
    return;
  }
  const state: CallState = { packets: 0, lastAt: 0, lastTimestamp: 0, lastSequence: 0, j: 0 };
  calls.push(state);
  const socket = createSocket('udp4');
  socket.on('message', (data) => receive(state, data, performance.now()));
  socket.bind(0, '127.0.0.1', () =>
    parentPort?.postMessage({ op: 'opened', token: request.token, port: socket.address().port }),
  );
});
