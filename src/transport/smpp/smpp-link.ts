/**
 * One SMPP session of a connector, kept bound: connect, bind, enquire_link keep-alive, reconnect with
 * exponential backoff and jitter, unbind on close. It matches responses to requests by sequence
 * number itself (the package forgets its callbacks when a socket dies), so every request in flight
 * settles: answered, or rejected with LinkDownError when the session is lost.
 */
import { BELOW, retryDelayMs } from '../../domain/common/backoff.js';
import type { Logger } from 'pino';
import { describeStatus, STATUS } from './command-status.js';
import { connectSession, createPdu, type PduFields, type SmppPdu, type SmppSession } from './smpp-lib.js';
import type { ConnectorOptions } from './smpp-url.js';

export type LinkRole = 'transceiver' | 'transmitter' | 'receiver';
export type LinkState = 'connecting' | 'bound' | 'retrying' | 'closed';

/** Timings that tests and benchmarks may shorten. */
export interface LinkTiming {
  /** First reconnect delay; doubles per failed attempt up to reconnectMaxMs, with jitter. */
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  /** On close, how long answers to requests in flight are awaited before unbinding. */
  readonly drainMs: number;
}

/**
 * The reconnect cap bounds how long sending stays stopped after the carrier is back: with 30 s, the
 * outage drill waited 24 s for the rebind of an SMSC that had been accepting binds all along. 10 s
 * (Kannel's reconnect-delay) is six binds a minute per connector and process while it is down.
 */
export const DEFAULT_TIMING: LinkTiming = { reconnectBaseMs: 500, reconnectMaxMs: 10_000, drainMs: 5_000 };

/** The session was lost (or never bound) with the request in flight. */
export class LinkDownError extends Error {
  override readonly name = 'LinkDownError';
}

/** Answers a request of the SMSC (its `*_resp`, with this command_status). */
export type Reply = (status: number) => void;

export interface LinkListener {
  bound(link: SmppLink): void;
  /** The bind was lost; every request in flight has been rejected with LinkDownError. */
  down(link: SmppLink, reason: string): void;
  /** A deliver_sm from the SMSC, to be answered through `reply`. */
  deliver(pdu: SmppPdu, reply: Reply): void;
}

interface Pending {
  readonly resolve: (pdu: SmppPdu) => void;
  readonly reject: (error: Error) => void;
  readonly sentAt: number;
}

const BIND_COMMANDS = {
  transceiver: 'bind_transceiver',
  transmitter: 'bind_transmitter',
  receiver: 'bind_receiver',
} as const;

export class SmppLink {
  state: LinkState = 'connecting';
  /** Why the link is not bound (or how it is), for status(). */
  detail = '';
  private session: SmppSession | undefined;
  private sessionClosed: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending>();
  private attempt = 0;
  private lastError = '';
  private closing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private bindTimer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private lastEnquire = 0;

  constructor(
    private readonly options: ConnectorOptions,
    readonly role: LinkRole,
    private readonly listener: LinkListener,
    private readonly log: Logger,
    private readonly timing: LinkTiming,
  ) {}

  get inFlight(): number {
    return this.pending.size;
  }

  start(): void {
    this.connect();
  }

  /** Sends a request on the bound session; rejects with LinkDownError when it is not bound or is lost. */
  request(pdu: SmppPdu): Promise<SmppPdu> {
    const session = this.session;
    if (this.state !== 'bound' || session === undefined) {
      return Promise.reject(new LinkDownError(`${this.role} not bound: ${this.detail}`));
    }
    return this.send(session, pdu);
  }

  /** Runs `fn` with the socket corked, so the PDUs it sends leave in as few TCP segments as possible. */
  corked(fn: () => void): void {
    const socket = this.session?.socket;
    if (!socket) return fn();
    socket.cork();
    try {
      fn();
    } finally {
      process.nextTick(() => socket.uncork());
    }
  }

  /** Abandons the session (it is broken); the link reconnects as after any loss. */
  drop(reason: string): void {
    this.lastError = reason;
    this.session?.destroy();
  }

  /** Drains requests in flight (bounded), unbinds, closes the socket; no reconnect afterwards. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    const session = this.session;
    if (session === undefined) {
      this.setState('closed', 'closed');
      return;
    }
    if (this.state === 'bound') {
      await waitFor(() => this.pending.size === 0, this.timing.drainMs);
      await withTimeout(this.send(session, createPdu('unbind')), 2_000);
    }
    const forced = setTimeout(() => session.destroy(), 2_000);
    session.close();
    await this.sessionClosed;
    clearTimeout(forced);
  }

  private connect(): void {
    const { host, port } = this.options;
    this.setState('connecting', `connecting to ${host}:${port}`);
    this.lastError = '';
    const session = connectSession(host, port);
    this.session = session;
    this.sessionClosed = new Promise((resolve) => session.once('close', () => resolve()));
    session.socket.setNoDelay(true);
    this.bindTimer = setTimeout(() => {
      this.lastError = `no bind within ${this.options.responseTimeoutMs} ms`;
      session.destroy();
    }, this.options.responseTimeoutMs);
    session.on('connect', () => {
      if (!this.closing) this.bind(session);
    });
    session.on('pdu', (pdu: SmppPdu) => this.onPdu(session, pdu));
    session.on('error', (error: Error) => {
      this.lastError ||= error.message;
      // A PDU the package cannot parse leaves its reader stuck: the session is unusable.
      session.destroy();
    });
    session.on('close', () => this.onClose(session));
  }

  private bind(session: SmppSession): void {
    const fields: PduFields = {
      system_id: this.options.systemId,
      password: this.options.password,
      system_type: this.options.systemType,
      interface_version: 0x34,
    };
    this.send(session, createPdu(BIND_COMMANDS[this.role], fields)).then(
      (response) => {
        if (session !== this.session) return;
        if (response.command_status !== STATUS.OK) {
          this.lastError = `bind refused: ${describeStatus(response.command_status)}`;
          session.destroy();
          return;
        }
        clearTimeout(this.bindTimer);
        this.attempt = 0;
        this.setState('bound', this.role);
        this.lastEnquire = Date.now();
        this.keepAlive = setInterval(() => this.tick(session), Math.min(1_000, this.options.enquireLinkMs));
        this.log.info({ role: this.role }, 'SMPP bound');
        this.listener.bound(this);
      },
      () => undefined, // the session closed first; onClose reports why
    );
  }

  /** Every second: enquire_link when due, and a session whose oldest request went unanswered is dead. */
  private tick(session: SmppSession): void {
    const now = Date.now();
    const oldest = this.pending.values().next().value;
    if (oldest !== undefined && now - oldest.sentAt > this.options.responseTimeoutMs) {
      this.lastError = `no response within ${this.options.responseTimeoutMs} ms`;
      session.destroy();
      return;
    }
    if (now - this.lastEnquire >= this.options.enquireLinkMs) {
      this.lastEnquire = now;
      this.send(session, createPdu('enquire_link')).catch(() => undefined);
    }
  }

  private send(session: SmppSession, pdu: SmppPdu): Promise<SmppPdu> {
    return new Promise((resolve, reject) => {
      if (!session.send(pdu)) {
        reject(new LinkDownError(`${this.role} socket not writable`));
        return;
      }
      this.pending.set(pdu.sequence_number, { resolve, reject, sentAt: Date.now() });
    });
  }

  private onPdu(session: SmppSession, pdu: SmppPdu): void {
    if (session !== this.session) return;
    if (pdu.isResponse()) {
      const pending = this.pending.get(pdu.sequence_number);
      if (pending === undefined) return;
      this.pending.delete(pdu.sequence_number);
      pending.resolve(pdu);
      return;
    }
    switch (pdu.command) {
      case 'enquire_link':
        session.send(pdu.response());
        return;
      case 'unbind':
        this.lastError = 'unbound by the SMSC';
        session.send(pdu.response());
        session.close();
        return;
      case 'deliver_sm':
        if (this.role === 'transmitter') {
          session.send(pdu.response({ command_status: STATUS.INVALID_BIND_STATUS }));
          return;
        }
        this.listener.deliver(pdu, (status) => {
          if (session === this.session) session.send(pdu.response(status ? { command_status: status } : {}));
        });
        return;
      case 'alert_notification':
        return; // has no response
      default:
        // generic_nack for an unknown command id, "invalid command" for one we do not serve.
        session.send(pdu.response({ command_status: 0x03 }));
    }
  }

  private onClose(session: SmppSession): void {
    if (session !== this.session) return;
    this.session = undefined;
    clearTimeout(this.bindTimer);
    clearInterval(this.keepAlive);
    const wasBound = this.state === 'bound';
    const reason = this.lastError || (this.closing ? 'closed' : 'connection closed by the SMSC');
    const error = new LinkDownError(`${this.role} lost: ${reason}`);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) request.reject(error);
    if (this.closing) {
      this.setState('closed', 'closed');
      if (wasBound) this.listener.down(this, reason);
      return;
    }
    this.attempt++;
    // Jitter below the cap spreads the reconnects of many workers after an SMSC restart.
    const { reconnectBaseMs, reconnectMaxMs } = this.timing;
    const wait = retryDelayMs(this.attempt, reconnectBaseMs, reconnectMaxMs, Math.random, BELOW);
    this.setState(
      'retrying',
      `${reason}; reconnecting in ${(wait / 1000).toFixed(1)} s (attempt ${this.attempt})`,
    );
    this.log.warn({ role: this.role, reason, retryInMs: wait, attempt: this.attempt }, 'SMPP link down');
    if (wasBound) this.listener.down(this, reason);
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  private setState(state: LinkState, detail: string): void {
    this.state = state;
    this.detail = detail;
  }
}

/** Settles when `promise` does or after `ms`, whichever is first; never rejects. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
