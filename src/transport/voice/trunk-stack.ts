/**
 * One trunk's SIP stack: a `sip` stack listening on our side of that trunk (UDP or TCP), routing the
 * callee's in-dialog requests to their call by Call-ID, and telling a response that came off the wire
 * from one the stack made up (timer B's 408, a refused connection's 503): only the latter means the
 * trunk itself failed and the call should move to the next one.
 */
import { createSocket } from 'node:dgram';
import diagnostics from 'node:diagnostics_channel';
import { createServer, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { respond } from './dialog-messages.js';
import { sipLib, type SipMessage, type SipRequest, type SipResponse, type SipStack } from './sip-lib.js';
import type { TrunkOptions } from './voice-url.js';

export type RequestHandler = (request: SipRequest) => void;

export class TrunkStack {
  private readonly calls = new Map<string, RequestHandler>();
  /** `call-id cseq method` of responses received from the network, per call. */
  private readonly heard = new Map<string, Set<string>>();
  private stack: SipStack | undefined;
  /** The TCP connections between us and the trunk, either way (see `start`). */
  private readonly connections = new Set<Socket>();
  private readonly onClientSocket = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    socket?.once('connect', () => {
      if (socket.remotePort === this.trunk.port) this.keep(socket);
    });
  };
  private readonly onServerSocket = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket?.localPort === this.port) this.keep(socket);
  };

  private constructor(
    readonly trunk: TrunkOptions,
    /** The address the trunk sees for us: in Via, Contact and SDP. */
    readonly localAddress: string,
    /** The interface that routes to the trunk: RTP sockets bind there. */
    readonly bindAddress: string,
    readonly port: number,
    private readonly log: Logger,
  ) {}

  static async open(trunk: TrunkOptions, log: Logger): Promise<TrunkStack> {
    const routeAddress = await localAddressTowards(trunk.host, trunk.port);
    const port = trunk.localPort || (await freePort(routeAddress, trunk.protocol));
    const stack = new TrunkStack(trunk, trunk.publicAddress ?? routeAddress, routeAddress, port, log);
    stack.start();
    return stack;
  }

  private start(): void {
    // The package keeps TCP connections open (120 s idle) and gives no way to close them: we note the
    // ones it opens to the trunk or accepts from it, through Node's own diagnostics channels, to end
    // them on close().
    if (this.trunk.protocol === 'tcp') {
      diagnostics.subscribe('net.client.socket', this.onClientSocket);
      diagnostics.subscribe('net.server.socket', this.onServerSocket);
    }
    this.stack = sipLib.create(
      {
        port: this.port,
        address: this.trunk.localPort ? '0.0.0.0' : this.bindAddress,
        // The package takes a request whose next hop is its own host name for one of its "flow" URIs
        // and drops it, so a trunk on this very machine (an Asterisk on 127.0.0.1) would be
        // unreachable: such a trunk sees us as `localhost` in Via (it answers to the source address
        // anyway, per rport).
        publicAddress: this.localAddress === this.trunk.host ? 'localhost' : this.localAddress,
        udp: this.trunk.protocol === 'udp',
        tcp: this.trunk.protocol === 'tcp',
        logger: {
          recv: (message) => this.noteHeard(message),
          error: (error) => this.log.warn({ trunk: this.trunk.name, err: error }, 'SIP stack error'),
        },
      },
      (request) => this.onRequest(request),
    );
  }

  /** Sends a request in its own transaction; `fromNetwork` says whether the trunk really answered. */
  send(request: SipRequest, onResponse: (response: SipResponse, fromNetwork: boolean) => void): void {
    const callId = request.headers['call-id'] ?? '';
    this.stack?.send(request, (response) => {
      onResponse(response, this.heard.get(callId)?.has(responseKey(response)) ?? false);
    });
  }

  respond(response: SipResponse): void {
    this.stack?.send(response);
  }

  /** Routes the callee's requests with this Call-ID to `handler` until the returned function is called. */
  register(callId: string, handler: RequestHandler): () => void {
    this.calls.set(callId, handler);
    this.heard.set(callId, new Set());
    return () => {
      this.calls.delete(callId);
      this.heard.delete(callId);
    };
  }

  close(): void {
    this.stack?.destroy();
    this.stack = undefined;
    if (this.trunk.protocol === 'tcp') {
      diagnostics.unsubscribe('net.client.socket', this.onClientSocket);
      diagnostics.unsubscribe('net.server.socket', this.onServerSocket);
    }
    for (const socket of this.connections) socket.destroy();
    this.connections.clear();
  }

  private keep(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
  }

  private noteHeard(message: SipMessage): void {
    if (message.status === undefined) return;
    this.heard.get(message.headers['call-id'] ?? '')?.add(responseKey(message));
  }

  private onRequest(request: SipRequest): void {
    const handler = this.calls.get(request.headers['call-id'] ?? '');
    if (handler) return handler(request);
    if (request.method === 'ACK') return;
    // A trunk's keep-alive OPTIONS is answered; anything else is outside any call of ours.
    if (request.method === 'OPTIONS') return this.respond(respond(request, 200, 'OK'));
    const inbound = request.method === 'INVITE' && request.headers.to?.params.tag === undefined;
    this.respond(
      inbound
        ? respond(request, 403, 'Incoming calls are not accepted')
        : respond(request, 481, 'Call/Transaction Does Not Exist'),
    );
  }
}

function responseKey(message: SipMessage): string {
  return `${message.headers.cseq?.seq ?? ''} ${message.headers.cseq?.method ?? ''}`;
}

/**
 * The local address the system would send from to reach the trunk (a connected UDP socket sends
 * nothing); rejects when the trunk's name does not resolve.
 */
async function localAddressTowards(host: string, port: number): Promise<string> {
  const socket = createSocket('udp4');
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => resolve(socket.address().address));
    });
  } finally {
    socket.close();
  }
}

/**
 * A port the kernel just gave us, for the stack to listen on: the `sip` package reads port 0 as 5060,
 * so it cannot be asked for "any free port" itself.
 */
async function freePort(address: string, protocol: 'udp' | 'tcp'): Promise<number> {
  if (protocol === 'tcp') {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, resolve);
    });
    const found = server.address();
    await new Promise((resolve) => server.close(resolve));
    return typeof found === 'object' && found ? found.port : 0;
  }
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, resolve);
  });
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
