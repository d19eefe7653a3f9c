/**
 * Entry of the RTP thread (rtp-thread.ts): every call's UDP socket and paced prompt. Each socket is
 * bound before the INVITE (its port is in our offer), sends to the answer's address from that same
 * port (symmetric RTP, RFC 4961), and reads what the callee sends only to learn where it really is:
 * when its packets come from elsewhere than its SDP said (a NAT), we follow them. The callee's audio
 * itself is not kept. Every call's packets are paced by one tick grid (rtp-tick-grid.ts), and how late
 * each packet left against its tick is kept in a histogram (the `stats` command).
 */
import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { packetize, RtpPacketizer } from './rtp-stream.js';
import { TickGrid, type GridStream } from './rtp-tick-grid.js';
import type { Lateness, MediaTarget, RtpCommand, RtpEvent } from './rtp-thread.js';

interface Session {
  readonly socket: Socket;
  remote: MediaTarget | undefined;
  latched: boolean;
  stream: GridStream | undefined;
}

const sessions = new Map<number, Session>();

/** Microseconds, from 1 µs (on time) to 60 s. */
const sendLateness = createHistogram({ lowest: 1, highest: 60e6, figures: 3 });
const sendChange = createHistogram({ lowest: 1, highest: 60e6, figures: 3 });
const wakeLateness = createHistogram({ lowest: 1, highest: 60e6, figures: 3 });
const recordMs = (histogram: RecordableHistogram, ms: number): void =>
  histogram.record(Math.min(60e6, Math.max(1, Math.round(ms * 1000))));
/**
 * 10 slots, 2 ms apart: a wake sends at most a tenth of the calls. With every call on the tick itself
 * the 50th packet of a wake left 1–5 ms after the first on this 2-core machine under load (each
 * loopback send costs 20–100 µs), a delay that varied wake to wake: jitter of the sender's own making
 * (A/B in docs/benchmarks.md, bench:voice).
 */
const grid = new TickGrid(undefined, {
  slots: 10,
  onSent: (late, change) => {
    recordMs(sendLateness, late);
    if (change !== undefined) recordMs(sendChange, change);
  },
  onWake: (ms) => recordMs(wakeLateness, ms),
});

function lateness(histogram: RecordableHistogram): Lateness {
  const ms = (us: number): number => (histogram.count === 0 ? 0 : us / 1000);
  return {
    count: histogram.count,
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}

/**
 * An address from SDP is an IP literal: resolving it synchronously lets socket.send write the
 * datagram at once (Node's default lookup defers every send to the next tick, even for an IP).
 */
const literalLookup: NonNullable<SocketOptions['lookup']> = (host, options, callback) => {
  const family = isIP(host);
  if (family !== 0) callback(null, host, family);
  else lookup(host, options, callback);
};

function answer(event: RtpEvent): void {
  parentPort?.postMessage(event);
}

/** Binds an even port (RTP's convention, RTCP would take the odd one above) on `address`. */
async function bindEven(address: string): Promise<Socket> {
  for (let attempt = 0; ; attempt++) {
    const socket = createSocket({ type: 'udp4', lookup: literalLookup });
    const port = await new Promise<number>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => resolve(socket.address().port));
    });
    if (port % 2 === 0 || attempt >= 8) return socket;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

async function open(id: number, address: string): Promise<void> {
  const socket = await bindEven(address);
  const session: Session = { socket, remote: undefined, latched: false, stream: undefined };
  socket.on('message', (_data, from) => {
    if (session.latched || session.remote === undefined) return;
    session.latched = true;
    if (from.address !== session.remote.address || from.port !== session.remote.port)
      session.remote = { address: from.address, port: from.port };
  });
  socket.on('error', () => {}); // an ICMP "port unreachable" must not end the thread
  sessions.set(id, session);
  answer({ op: 'opened', id, port: socket.address().port });
}

function play(session: Session, command: Extract<RtpCommand, { op: 'play' }>): void {
  session.remote = command.to;
  session.latched = false;
  const packets = packetize(command.encoded, command.silence, new RtpPacketizer(command.payloadType));
  session.stream = grid.add(packets.length, (index) => {
    const packet = packets[index];
    if (packet === undefined || session.remote === undefined) return;
    session.socket.send(packet, session.remote.port, session.remote.address);
  });
  // A session closed meanwhile answers `closed` instead: its waiter is the close's.
  void session.stream.done.then(() => {
    if (sessions.get(command.id) === session) answer({ op: 'played', id: command.id });
  });
}

function run(command: RtpCommand): void {
  if (command.op === 'stats') {
    const sent = lateness(sendLateness);
    answer({
      op: 'stats',
      id: command.id,
      sent,
      sentChange: lateness(sendChange),
      wakes: lateness(wakeLateness),
    });
    return;
  }
  if (command.op === 'open') {
    open(command.id, command.address).catch((error: unknown) =>
      answer({ op: 'failed', id: command.id, error: `RTP socket: ${String(error)}` }),
    );
    return;
  }
  const session = sessions.get(command.id);
  if (session === undefined) {
    if (command.op === 'close') answer({ op: 'closed', id: command.id });
    if (command.op === 'play') answer({ op: 'failed', id: command.id, error: 'no such RTP session' });
    return;
  }
  switch (command.op) {
    case 'play':
      return play(session, command);
    case 'send-to':
      session.remote = command.to;
      session.latched = false;
      return;
    case 'stop':
      return session.stream?.stop();
    case 'close':
      session.stream?.stop();
      sessions.delete(command.id);
      session.socket.close(() => answer({ op: 'closed', id: command.id }));
      return;
  }
}

parentPort?.on('message', (command: RtpCommand) => run(command));
