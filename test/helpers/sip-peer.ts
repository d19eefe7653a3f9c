import { createRequire } from 'node:module';
import { createSocket, type Socket } from 'node:dgram';
import diagnostics from 'node:diagnostics_channel';
import { createServer, type Socket as TcpSocket } from 'node:net';
import {
  sipLib,
  type SipRequest,
  type SipResponse,
  type SipStack,
} from '../../src/transport/voice/sip-lib.js';

/**
 * A scripted SIP callee on loopback, on the same `sip` package, for what baresip cannot be told to
 * do: answer busy, ring forever, challenge with 401, fail with 503, hang up or re-INVITE mid-prompt.
 * It checks the digest answer with the package's own `sip/digest` (not our implementation), and
 * timestamps every RTP packet it receives (the benchmark's jitter).
 */
export type PeerBehaviour =
  | { kind: 'answer'; codec?: 'PCMU' | 'PCMA'; hangUpAfterMs?: number; reInviteAfterMs?: number }
  | { kind: 'challenge'; user: string; password: string }
  | { kind: 'reject'; status: number; reason: string }
  | { kind: 'ring' };

export interface ReceivedRtp {
  readonly callId: string;
  /** The peer's port it arrived on (a re-INVITE moves it). */
  readonly port: number;
  readonly at: number;
  readonly sequence: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly payload: Buffer;
}

export interface SipPeer {
  readonly port: number;
  /** Every request received, in order ("INVITE", "ACK", "CANCEL", "BYE"…). */
  readonly requests: SipRequest[];
  readonly rtp: ReceivedRtp[];
  /** Responses the peer got to its own requests (BYE, re-INVITE). */
  readonly responses: SipResponse[];
  stop(): Promise<void>;
}

interface DigestModule {
  challenge(session: Record<string, unknown>, response: SipResponse): SipResponse;
  authenticateRequest(
    session: Record<string, unknown>,
    request: SipRequest,
    credentials: { user: string; password: string },
  ): boolean;
}
const digest = createRequire(import.meta.url)('sip/digest') as DigestModule;

async function freePort(protocol: 'udp' | 'tcp'): Promise<number> {
  if (protocol === 'tcp') {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    return typeof address === 'object' && address ? address.port : 0;
  }
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function answerSdp(port: number, codec: 'PCMU' | 'PCMA', version: number): string {
  const pt = codec === 'PCMU' ? 0 : 8;
  return [
    'v=0',
    `o=peer 1 ${version} IN IP4 127.0.0.1`,
    's=peer',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP ${pt}`,
    `a=rtpmap:${pt} ${codec}/8000`,
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export interface PeerOptions {
  /**
   * Where a call's RTP is received instead of here (bench:voice: a thread of its own, so the peer's
   * SIP work does not delay the timestamps); the port it gives goes in the answer. `rtp` stays empty.
   */
  readonly receiveRtp?: (callId: string) => Promise<number>;
}

export async function startSipPeer(
  behaviour: PeerBehaviour,
  protocol: 'udp' | 'tcp' = 'udp',
  options: PeerOptions = {},
): Promise<SipPeer> {
  const port = await freePort(protocol);
  const requests: SipRequest[] = [];
  const responses: SipResponse[] = [];
  const rtp: ReceivedRtp[] = [];
  const sockets: Socket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const authSession: Record<string, unknown> = { realm: 'vudumobile-test', qop: 'auth' };
  const ringing = new Map<string, SipRequest>();
  let stack: SipStack | undefined;

  const openRtp = async (callId: string): Promise<number> => {
    if (options.receiveRtp) return options.receiveRtp(callId);
    const socket = createSocket('udp4');
    sockets.push(socket);
    socket.on('message', (data) => {
      if (data.length < 12) return;
      rtp.push({
        callId,
        port: socket.address().port,
        at: performance.now(),
        sequence: data.readUInt16BE(2),
        timestamp: data.readUInt32BE(4),
        ssrc: data.readUInt32BE(8),
        marker: (data[1] ?? 0) >= 0x80,
        payloadType: (data[1] ?? 0) & 0x7f,
        payload: data.subarray(12),
      });
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return socket.address().port;
  };

  const send = (response: SipResponse): void => stack?.send(response);

  /** A request from the callee to the caller, within the dialog the 200 OK made. */
  const inDialog = (
    invite: SipRequest,
    ok: SipResponse,
    method: string,
    seq: number,
    sdp?: string,
  ): SipRequest => {
    const contact = Array.isArray(invite.headers.contact) ? invite.headers.contact[0] : undefined;
    return {
      method,
      uri: contact ? contact.uri : '',
      headers: {
        via: [],
        to: invite.headers.from,
        from: ok.headers.to,
        'call-id': invite.headers['call-id'],
        cseq: { seq, method },
        'max-forwards': '70',
        contact: [
          { uri: `sip:peer@127.0.0.1:${port}${protocol === 'tcp' ? ';transport=tcp' : ''}`, params: {} },
        ],
        ...(sdp ? { 'content-type': 'application/sdp' } : {}),
      },
      ...(sdp ? { content: sdp } : {}),
    };
  };

  const answer = async (
    invite: SipRequest,
    codec: 'PCMU' | 'PCMA',
    behaviourOf: PeerBehaviour,
  ): Promise<void> => {
    const callId = invite.headers['call-id'] ?? '';
    const rtpPort = await openRtp(callId);
    const ok = sipLib.makeResponse(invite, 200, 'OK');
    ok.headers.to = {
      ...(invite.headers.to ?? { uri: '', params: {} }),
      params: { tag: `peer${rtp.length}${Date.now()}` },
    };
    ok.headers.contact = [
      { uri: `sip:peer@127.0.0.1:${port}${protocol === 'tcp' ? ';transport=tcp' : ''}`, params: {} },
    ];
    ok.headers['content-type'] = 'application/sdp';
    ok.content = answerSdp(rtpPort, codec, 1);
    send(ok);
    if (behaviourOf.kind !== 'answer') return;
    const later = (ms: number | undefined, run: () => void): void => {
      if (ms !== undefined) timers.push(setTimeout(run, ms));
    };
    later(behaviourOf.hangUpAfterMs, () =>
      stack?.send(inDialog(invite, ok, 'BYE', 100), (rs) => responses.push(rs)),
    );
    later(behaviourOf.reInviteAfterMs, async () => {
      const movedPort = await openRtp(callId);
      stack?.send(inDialog(invite, ok, 'INVITE', 101, answerSdp(movedPort, codec, 2)), (rs) => {
        responses.push(rs);
        if (rs.status >= 200 && rs.status < 300) stack?.send(inDialog(invite, ok, 'ACK', 101));
      });
    });
  };

  const onRequest = (request: SipRequest): void => {
    requests.push(request);
    const callId = request.headers['call-id'] ?? '';
    switch (request.method) {
      case 'INVITE': {
        if (request.headers.to?.params.tag) return send(sipLib.makeResponse(request, 200, 'OK'));
        if (behaviour.kind === 'reject')
          return send(sipLib.makeResponse(request, behaviour.status, behaviour.reason));
        if (behaviour.kind === 'ring') {
          ringing.set(callId, request);
          return send(sipLib.makeResponse(request, 180, 'Ringing'));
        }
        if (behaviour.kind === 'challenge') {
          const credentials = { user: behaviour.user, password: behaviour.password };
          if (!digest.authenticateRequest({ ...authSession }, request, credentials)) {
            return send(digest.challenge(authSession, sipLib.makeResponse(request, 401, 'Unauthorized')));
          }
          void answer(request, 'PCMU', behaviour);
          return;
        }
        send(sipLib.makeResponse(request, 100, 'Trying'));
        void answer(request, behaviour.codec ?? 'PCMU', behaviour);
        return;
      }
      case 'CANCEL': {
        send(sipLib.makeResponse(request, 200, 'OK'));
        const invite = ringing.get(callId);
        if (invite) send(sipLib.makeResponse(invite, 487, 'Request Terminated'));
        return;
      }
      case 'ACK':
        return;
      default:
        send(sipLib.makeResponse(request, 200, 'OK'));
    }
  };

  // Accepted TCP connections, ended at stop() (the package never closes them itself).
  const accepted = new Set<TcpSocket>();
  const onServerSocket = (message: unknown): void => {
    const socket = (message as { socket?: TcpSocket }).socket;
    if (socket?.localPort === port) accepted.add(socket);
  };
  diagnostics.subscribe('net.server.socket', onServerSocket);
  stack = sipLib.create(
    {
      port,
      address: '127.0.0.1',
      publicAddress: 'localhost',
      udp: protocol === 'udp',
      tcp: protocol === 'tcp',
    },
    onRequest,
  );
  return {
    port,
    requests,
    rtp,
    responses,
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      stack?.destroy();
      stack = undefined;
      diagnostics.unsubscribe('net.server.socket', onServerSocket);
      for (const socket of accepted) socket.destroy();
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
