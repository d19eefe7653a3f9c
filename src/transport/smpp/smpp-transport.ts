/**
 * The SMPP SmsTransport: one or more connectors (smpp-url.ts), each submit routed by destination.
 *
 * Routing: the connectors whose `prefixes` match the destination, longest prefix first, then those
 * without prefixes (catch-all), then every other one as failover; the first of them that is bound
 * gets the message. A connector that goes down hands its queued and unanswered submits back here and
 * they follow the same rule; when no connector is bound they wait (parked) up to
 * `unavailableTimeoutMs`, then fail retryable with code SMPP_UNAVAILABLE.
 *
 * A message's parts are built for the connector that takes it (its `long` mode decides UDH, SAR or
 * message_payload; the first of the route when none is bound yet) and keep that shape if they fail
 * over to a connector with another mode.
 */
import type { Logger } from 'pino';
import {
  TransportError,
  type ConnectorStatus,
  type OutboundSms,
  type SmsTransport,
  type SmsTransportHandlers,
  type SubmitResult,
} from '../../domain/ports/transports.js';
import { DeliverHandler } from './deliver-handler.js';
import { SmppConnector } from './smpp-connector.js';
import { DEFAULT_TIMING, type LinkTiming } from './smpp-link.js';
import { parseSmppUrls, type ConnectorOptions } from './smpp-url.js';
import { buildSubmits } from './submit-pdus.js';
import type { SubmitJob } from './submit-job.js';

export interface SmppTransportOptions {
  readonly connectors: readonly ConnectorOptions[];
  readonly log: Logger;
  readonly now?: () => number;
  /** How long a submit waits for some connector to be bound before failing (retryable). */
  readonly unavailableTimeoutMs?: number;
  readonly timing?: Partial<LinkTiming>;
  /**
   * Connectors with max_binds start in standby and bind only between activate() and deactivate():
   * the process holds one of their bind slots (workers/bind-slots.ts). Off: every connector binds.
   */
  readonly bindSlots?: boolean;
}

/** The transport for an SMPP_URL (readConfig has already reported its problems, if any). */
export function createSmppTransport(smppUrl: string, log: Logger, bindSlots = false): SmppTransport {
  const { connectors, problems } = parseSmppUrls(smppUrl);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return new SmppTransport({ connectors, log, bindSlots });
}

interface Parked {
  readonly job: SubmitJob;
  readonly since: number;
}

export class SmppTransport implements SmsTransport {
  readonly kind = 'smpp';
  private readonly connectors: SmppConnector[];
  private readonly deliverers = new Map<SmppConnector, DeliverHandler>();
  /** Names of the connectors waiting for activate() (no bind slot held), and those being closed. */
  private readonly standby = new Set<string>();
  private readonly deactivating = new Map<string, Promise<void>>();
  private handlers: SmsTransportHandlers | undefined;
  private readonly timing: LinkTiming;
  private readonly bindSlots: boolean;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly unavailableTimeoutMs: number;
  private parked: Parked[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private reference = Math.floor(Math.random() * 0x10000);
  private started = false;
  private closed = false;

  constructor(options: SmppTransportOptions) {
    if (options.connectors.length === 0) throw new Error('SmppTransport needs at least one connector');
    this.log = options.log.child({ transport: 'smpp' });
    this.now = options.now ?? Date.now;
    this.unavailableTimeoutMs = options.unavailableTimeoutMs ?? 30_000;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    // Several SMSCs may hand out the same message id: scope each connector's ids (carrier-id.ts).
    const several = options.connectors.length > 1;
    this.connectors = options.connectors.map((connector) =>
      this.createConnector({
        ...connector,
        idScope: connector.idScope ?? (several ? `${connector.host}:${connector.port}` : undefined),
      }),
    );
    this.bindSlots = options.bindSlots ?? false;
    if (this.bindSlots)
      for (const c of options.connectors) if (c.maxBinds !== undefined) this.standby.add(c.name);
  }

  /** The connectors whose binds are shared through slots (max_binds), for workers/bind-slots.ts. */
  get slotted(): readonly ConnectorOptions[] {
    if (!this.bindSlots) return [];
    return this.connectors.filter((c) => c.options.maxBinds !== undefined).map((c) => c.options);
  }

  /**
   * True while some connector of this process is bound. False when every connector is in standby
   * (this process holds no bind slot) or none is bound (starting, or the carrier is down): the
   * dispatcher then claims nothing and the rows wait in the queue, their attempts untouched. Were it
   * to claim, each submit would wait `unavailableTimeoutMs` parked and come back as a counted
   * attempt, so an outage longer than the backoff of DISPATCH_MAX_ATTEMPTS attempts (about six
   * minutes by default) would fail the messages it had claimed (the carrier outage drill).
   */
  ready(): boolean {
    return this.connectors.some((connector) => !this.standby.has(connector.name) && connector.available);
  }

  /** This process got a bind slot of the connector: bind it (again). */
  async activate(name: string): Promise<void> {
    await this.deactivating.get(name);
    const index = this.connectors.findIndex((c) => c.name === name);
    if (index < 0 || !this.standby.has(name) || this.closed) return;
    this.standby.delete(name);
    if (!this.started) return; // start() binds it
    const old = this.connectors[index];
    // A connector once closed does not bind again: a fresh one with the same options does.
    const fresh = old && old.status().state === 'closed' ? this.createConnector(old.options) : old;
    if (!fresh) return;
    this.connectors[index] = fresh;
    this.startConnector(fresh);
  }

  /** The slot is lost or given back: unbind (answers in flight awaited), queued submits go elsewhere. */
  async deactivate(name: string): Promise<void> {
    const connector = this.connectors.find((c) => c.name === name);
    if (!connector || this.standby.has(name)) return;
    this.standby.add(name);
    if (!this.started) return;
    const closing = this.closeConnector(connector).finally(() => this.deactivating.delete(name));
    this.deactivating.set(name, closing);
    await closing;
  }

  private createConnector(options: ConnectorOptions): SmppConnector {
    return new SmppConnector(
      options,
      {
        changed: (c) => {
          if (c.available) this.unpark();
        },
        orphaned: (jobs) => {
          for (const job of jobs) this.dispatch(job);
        },
        deliver: (c, pdu, reply) => this.deliverers.get(c)?.handle(pdu, reply),
      },
      this.log.child({ connector: options.name }),
      this.timing,
    );
  }

  private startConnector(connector: SmppConnector): void {
    if (!this.handlers) return;
    const log = this.log.child({ connector: connector.name });
    this.deliverers.set(connector, new DeliverHandler(connector.options, this.handlers, log, this.now));
    connector.start();
  }

  private closeConnector(connector: SmppConnector): Promise<void> {
    return connector.close(async () => {
      const deliverer = this.deliverers.get(connector);
      await deliverer?.drain(this.timing.drainMs);
      deliverer?.close();
      this.deliverers.delete(connector);
    });
  }

  /** Starts every connector; resolves at once (submits wait for a bind, see unavailableTimeoutMs). */
  async start(handlers: SmsTransportHandlers): Promise<void> {
    if (this.started) throw new Error('SmppTransport already started');
    this.started = true;
    this.handlers = handlers;
    for (const connector of this.connectors) {
      if (!this.standby.has(connector.name)) this.startConnector(connector);
    }
    this.sweepTimer = setInterval(() => this.sweepParked(), 250);
    this.log.info({ connectors: this.connectors.map((c) => c.name) }, 'SMPP transport started');
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    if (this.closed) throw new TransportError('SMPP transport is closed', true, 'SMPP_CLOSING');
    // The connector that will take it now, else the first of its route (they all wait for a bind).
    const chosen = this.pickConnector(sms.to) ?? this.routeOrder(sms.to)[0];
    const long = chosen?.options.long ?? 'udh';
    this.reference = (this.reference + 1) & 0xffff;
    const pdus = buildSubmits(sms, long, this.reference);
    const ids = await Promise.all(
      pdus.map(
        (fields) =>
          new Promise<string>((resolve, reject) =>
            this.dispatch({ fields, destination: sms.to, losses: 0, throttles: 0, resolve, reject }),
          ),
      ),
    );
    return { carrierIds: ids };
  }

  status(): readonly ConnectorStatus[] {
    return this.connectors.map((connector) =>
      this.standby.has(connector.name)
        ? { name: connector.name, state: 'standby', detail: 'no bind slot held (max_binds reached)' }
        : connector.status(),
    );
  }

  /**
   * Fails queued submits (retryable), awaits the answers of those in flight and the inbound handlers
   * already running, then unbinds every connector.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    const parked = this.parked;
    this.parked = [];
    const closing = new TransportError('SMPP transport is closing', true, 'SMPP_CLOSING');
    for (const { job } of parked) job.reject(closing);
    await Promise.all([
      ...this.deactivating.values(),
      ...this.connectors.filter((c) => !this.standby.has(c.name)).map((c) => this.closeConnector(c)),
    ]);
    this.log.info('SMPP transport closed');
  }

  /** Connectors for a destination, best first (see the module comment). */
  private routeOrder(destination: string): SmppConnector[] {
    const rank = (connector: SmppConnector): number => {
      const prefixes = connector.options.prefixes;
      if (prefixes.length === 0) return 0;
      let best = -1;
      for (const prefix of prefixes) if (destination.startsWith(prefix)) best = Math.max(best, prefix.length);
      return best > 0 ? best : -1;
    };
    return this.connectors
      .map((connector, index) => ({ connector, index, rank: rank(connector) }))
      .sort((a, b) => b.rank - a.rank || a.index - b.index)
      .map((entry) => entry.connector);
  }

  private dispatch(job: SubmitJob): void {
    if (this.closed) {
      job.reject(new TransportError('SMPP transport is closing', true, 'SMPP_CLOSING'));
      return;
    }
    const target = this.pickConnector(job.destination);
    if (target) target.enqueue(job);
    else this.parked.push({ job, since: Date.now() });
  }

  /** The first bound connector of the destination's route (skipping the sort when there is one). */
  private pickConnector(destination: string): SmppConnector | undefined {
    const [only] = this.connectors;
    if (this.connectors.length === 1) return only?.available ? only : undefined;
    return this.routeOrder(destination).find((connector) => connector.available);
  }

  private unpark(): void {
    if (this.parked.length === 0) return;
    const parked = this.parked;
    this.parked = [];
    for (const { job } of parked) this.dispatch(job);
  }

  private sweepParked(): void {
    if (this.parked.length === 0) return;
    if (this.connectors.some((connector) => connector.available)) return this.unpark();
    const now = Date.now();
    const expired = this.parked.filter((entry) => now - entry.since >= this.unavailableTimeoutMs);
    if (expired.length === 0) return;
    this.parked = this.parked.filter((entry) => now - entry.since < this.unavailableTimeoutMs);
    const states = this.status()
      .map((s) => `${s.name} ${s.state}${s.detail ? ` (${s.detail})` : ''}`)
      .join('; ');
    const error = new TransportError(`no SMPP connector is bound: ${states}`, true, 'SMPP_UNAVAILABLE');
    for (const { job } of expired) job.reject(error);
  }
}
