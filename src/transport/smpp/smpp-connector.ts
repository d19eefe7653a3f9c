/**
 * One carrier account: its link(s) (one transceiver, or a transmitter and a receiver), a queue of
 * submit_sm, at most `window` of them awaiting an answer, at most `tps` a second (token bucket).
 *
 * Answers: OK resolves the job with the carrier id; ESME_RTHROTTLED / ESME_RMSGQFUL pause the
 * connector (exponential, reset by the next success) and retry the job first; other statuses reject
 * it as retryable or permanent (command-status.ts). A lost connection hands the jobs that were in
 * flight, and those still queued, back to the transport, which routes them to a bound connector.
 */
import type { Logger } from 'pino';
import { scopedCarrierId } from '../../domain/sms/carrier-id.js';
import { TransportError, type ConnectorStatus } from '../../domain/ports/transports.js';
import { isThrottle, STATUS, submitRefusal } from './command-status.js';
import { SmppLink, type LinkListener, type LinkTiming, type Reply } from './smpp-link.js';
import { createPdu, type SmppPdu } from './smpp-lib.js';
import type { ConnectorOptions } from './smpp-url.js';
import { JobQueue, type SubmitJob } from './submit-job.js';
import { TokenBucket } from './token-bucket.js';

/** A job whose connection was lost this many times is failed (retryable) rather than sent again. */
const MAX_LOSSES = 5;
/** A job throttled this many times is failed (retryable): the dispatcher backs off longer than we do. */
const MAX_THROTTLES = 40;
const THROTTLE_PAUSE_MS = { first: 100, max: 5_000 };
/** TON/NPI of an alphanumeric sender (SMPP v3.4 §5.2.5): TON 5, NPI 0. */
const ALPHANUMERIC = { ton: 5, npi: 0 };

export interface ConnectorListener {
  /** The connector became usable or unusable for submits. */
  changed(connector: SmppConnector): void;
  /** Jobs this connector cannot send (it went down): route them elsewhere or park them. */
  orphaned(jobs: SubmitJob[]): void;
  deliver(connector: SmppConnector, pdu: SmppPdu, reply: Reply): void;
}

export class SmppConnector {
  private readonly queue = new JobQueue();
  private readonly tx: SmppLink;
  private readonly rx: SmppLink | undefined;
  private readonly bucket: TokenBucket | undefined;
  private inFlight = 0;
  private pausedUntil = 0;
  private throttlePauseMs = THROTTLE_PAUSE_MS.first;
  private pumpTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private throttledCount = 0;

  constructor(
    readonly options: ConnectorOptions,
    private readonly listener: ConnectorListener,
    private readonly log: Logger,
    timing: LinkTiming,
  ) {
    const links: LinkListener = {
      bound: () => {
        this.listener.changed(this);
        this.pump();
      },
      down: (link) => {
        if (link !== this.tx) return;
        clearTimeout(this.pumpTimer);
        this.pumpTimer = undefined;
        this.listener.changed(this);
        const queued = this.queue.drain();
        if (queued.length > 0) this.listener.orphaned(queued);
      },
      deliver: (pdu, reply) => this.listener.deliver(this, pdu, reply),
    };
    if (options.bind === 'transceiver') {
      this.tx = new SmppLink(options, 'transceiver', links, log, timing);
    } else {
      this.tx = new SmppLink(options, 'transmitter', links, log, timing);
      this.rx = new SmppLink(options, 'receiver', links, log, timing);
    }
    if (options.tps !== undefined) this.bucket = new TokenBucket(options.tps, Date.now());
  }

  get name(): string {
    return this.options.name;
  }

  /** Bound for submits and not closing. */
  get available(): boolean {
    return this.tx.state === 'bound' && !this.closing;
  }

  start(): void {
    this.tx.start();
    this.rx?.start();
  }

  enqueue(job: SubmitJob): void {
    if (!this.available) {
      this.listener.orphaned([job]);
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  status(): ConnectorStatus {
    const name = this.name;
    if (this.tx.state === 'closed') return { name, state: 'closed', detail: 'closed' };
    if (this.tx.state !== 'bound') {
      return { name, state: this.tx.state, detail: `${this.tx.role}: ${this.tx.detail}` };
    }
    const parts = [
      this.rx ? 'transmitter+receiver' : 'transceiver',
      `${this.inFlight}/${this.options.window} in flight`,
      `${this.queue.length} queued`,
      this.options.tps === undefined ? 'no tps limit' : `tps ${this.options.tps}`,
    ];
    if (this.throttledCount > 0) parts.push(`throttled ${this.throttledCount} times`);
    if (this.rx && this.rx.state !== 'bound') parts.push(`receiver ${this.rx.state}: ${this.rx.detail}`);
    return { name, state: 'bound', detail: parts.join(', ') };
  }

  /** Stops sending: queued jobs fail (retryable), answers in flight are awaited, then unbind. */
  async close(beforeUnbind: () => Promise<void>): Promise<void> {
    this.closing = true;
    clearTimeout(this.pumpTimer);
    const closing = new TransportError('SMPP transport is closing', true, 'SMPP_CLOSING');
    for (const job of this.queue.drain()) job.reject(closing);
    await beforeUnbind();
    await Promise.all([this.tx.close(), this.rx?.close()]);
  }

  private pump(): void {
    if (!this.available || this.queue.length === 0 || this.inFlight >= this.options.window) return;
    const now = Date.now();
    if (now < this.pausedUntil) return this.schedulePump(this.pausedUntil - now);
    this.tx.corked(() => {
      while (this.inFlight < this.options.window && this.queue.length > 0) {
        if (this.bucket && !this.bucket.take(now)) {
          this.schedulePump(this.bucket.msUntilToken(now));
          return;
        }
        const job = this.queue.shift();
        if (job) this.send(job);
      }
    });
  }

  private schedulePump(ms: number): void {
    if (this.pumpTimer !== undefined) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, ms);
  }

  private send(job: SubmitJob): void {
    const options = this.options;
    const alphanumeric = !/^\d*$/.test(job.fields.source_addr ?? '');
    const pdu = createPdu('submit_sm', {
      ...job.fields,
      source_addr_ton: alphanumeric ? ALPHANUMERIC.ton : options.sourceTon,
      source_addr_npi: alphanumeric ? ALPHANUMERIC.npi : options.sourceNpi,
      dest_addr_ton: options.destTon,
      dest_addr_npi: options.destNpi,
    });
    this.inFlight++;
    this.tx.request(pdu).then(
      (response) => this.answered(job, response),
      (error: Error) => this.lost(job, error),
    );
  }

  private answered(job: SubmitJob, response: SmppPdu): void {
    this.inFlight--;
    const status = response.command_status;
    const now = Date.now();
    if (status === STATUS.OK) {
      if (now >= this.pausedUntil) this.throttlePauseMs = THROTTLE_PAUSE_MS.first;
      if (!response.message_id) this.log.warn('submit_sm_resp OK without a message_id: no receipt can match');
      job.resolve(scopedCarrierId(this.options.idScope, response.message_id ?? ''));
    } else if (isThrottle(status) && job.throttles < MAX_THROTTLES && !this.closing) {
      job.throttles++;
      this.throttledCount++;
      this.queue.pushRetry(job);
      // One pause per burst: the other answers of the same window arrive while it is running.
      if (now >= this.pausedUntil) {
        this.pausedUntil = now + this.throttlePauseMs;
        this.log.debug({ pauseMs: this.throttlePauseMs }, 'SMSC throttling: pausing submits');
        this.throttlePauseMs = Math.min(THROTTLE_PAUSE_MS.max, this.throttlePauseMs * 2);
      }
    } else if (status === STATUS.INVALID_BIND_STATUS) {
      // The SMSC no longer considers us bound: a new session is the cure, and the job is not at fault.
      this.lost(job, new Error('SMSC answered ESME_RINVBNDSTS'), false);
      this.tx.drop('SMSC answered ESME_RINVBNDSTS (not bound)');
      return;
    } else {
      job.reject(submitRefusal(status, this.name));
    }
    this.pump();
  }

  private lost(job: SubmitJob, error: Error, counted = true): void {
    if (counted) this.inFlight--;
    job.losses++;
    if (this.closing || job.losses > MAX_LOSSES) {
      job.reject(
        new TransportError(`submit_sm not answered: ${error.message}`, true, 'SMPP_CONNECTION_LOST'),
      );
      return;
    }
    this.listener.orphaned([job]);
  }
}
