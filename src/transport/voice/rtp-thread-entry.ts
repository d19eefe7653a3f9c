/**
 * Entry of the RTP thread (rtp-thread.ts): every call's UDP socket and paced prompt. Each socket is
 * bound before the INVITE (its port is in our offer), sends to the answer's address from that same
 * port (symmetric RTP, RFC 4961), and reads what the callee sends only to learn where it really is:
 * when its packets come from elsewhere than its SDP said (a NAT), we follow them. The callee's audio
 * itself is not kept. Packets are paced by `pace` (rtp-stream.ts): packet n at start + n × 20 ms.
 */
import { createSocket, type Socket } from 'node:dgram';
import { parentPort } from 'node:worker_threads';
import { frames, pace, RtpPacketizer, type PacedStream } from './rtp-stream.js';
import type { MediaTarget, RtpCommand, RtpEvent } from './rtp-thread.js';

interface Session {
  readonly socket: Socket;
  remote: MediaTarget | undefined;
  latched: boolean;
  stream: PacedStream | undefined;
}

const sessions = new Map<number, Session>();

function answer(event: RtpEvent): void {
  parentPort?.postMessage(event);
}

/** Binds an even port (RTP's convention, RTCP would take the odd one above) on `address`. */
async function bindEven(address: string): Promise<Socket> {
  for (let attempt = 0; ; attempt++) {
    const socket = createSocket('udp4');
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
  const payloads = frames(Buffer.from(command.encoded), command.silence);
  const packetizer = new RtpPacketizer(command.payloadType);
  session.stream = pace(payloads.length, (index) => {
    const payload = payloads[index];
    if (payload === undefined || session.remote === undefined) return;
    session.socket.send(packetizer.packet(payload), session.remote.port, session.remote.address);
  });
  // A session closed meanwhile answers `closed` instead: its waiter is the close's.
  void session.stream.done.then(() => {
    if (sessions.get(command.id) === session) answer({ op: 'played', id: command.id });
  });
}

function run(command: RtpCommand): void {
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
