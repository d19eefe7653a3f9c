import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { SandboxOutcome } from '../../config-outbound.js';
import {
  TransportError,
  type ConnectorStatus,
  type DeliveryReceipt,
  type OutboundSms,
  type SmsTransport,
  type SmsTransportHandlers,
  type SubmitResult,
} from '../../domain/ports/transports.js';

export interface SandboxSmsOptions {
  /** What the pretend carrier answers; a function decides per message (tests). Default DELIVRD:000. */
  readonly outcome?: SandboxOutcome | ((sms: OutboundSms) => SandboxOutcome);
  readonly receiptDelayMs?: number;
  /** Time each submit takes (a slow carrier). */
  readonly submitDelayMs?: number;
  /**
   * Appends one JSON line per accepted part, written before submit resolves: a part the carrier
   * accepted is in the file even if the process is killed the next instant (kill-and-restart tests).
   */
  readonly logFile?: string;
  /** Keep every submit in `submitted` and counts per message (tests; grows without bound). */
  readonly keepRecords?: boolean;
}

const DEFAULT_OUTCOME: SandboxOutcome = { kind: 'receipt', stat: 'DELIVRD', err: '000' };

/**
 * The sandbox SMS carrier: accepts each part with a carrier-style id and, after a short delay,
 * sends the delivery receipt the configured outcome asks for. Like many real SMSCs it answers the
 * submit with a hex id and quotes that id in decimal in the receipt. Nothing leaves the machine,
 * and it says so loudly when it starts. It counts what it accepted, so tests can check that every
 * part was handed over exactly once.
 */
export class SandboxSmsTransport implements SmsTransport {
  readonly kind = 'sandbox';
  /** Parts accepted since start. */
  acceptedParts = 0;
  /** Parts accepted per message id (with `keepRecords`). */
  readonly acceptedByMessage = new Map<number, number>();
  /** Every accepted submit, in order (with `keepRecords`). */
  readonly submitted: OutboundSms[] = [];

  private handlers: SmsTransportHandlers | undefined;
  private logFileFd: number | undefined;
  private nextId = 0x10000000 + Math.floor(Math.random() * 0x01000000);
  private readonly due: { at: number; receipt: DeliveryReceipt }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly inFlightReceipts = new Set<Promise<void>>();

  constructor(
    private readonly log: Logger,
    private readonly options: SandboxSmsOptions = {},
  ) {
    log.warn(
      { outcome: describe(options.outcome), receiptDelayMs: options.receiptDelayMs ?? 200 },
      'SANDBOX SMS transport: no SMS leaves this machine, receipts are simulated (set SMPP_URL to send)',
    );
  }

  async start(handlers: SmsTransportHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async submit(sms: OutboundSms): Promise<SubmitResult> {
    if (this.closed) throw new TransportError('sandbox: transport closed', true);
    if (this.options.submitDelayMs)
      await new Promise((resolve) => setTimeout(resolve, this.options.submitDelayMs));
    const outcome =
      typeof this.options.outcome === 'function'
        ? this.options.outcome(sms)
        : (this.options.outcome ?? DEFAULT_OUTCOME);
    if (outcome.kind === 'reject')
      throw new TransportError('sandbox: destination refused (ESME_RINVDSTADR)', false, 'ESME_RINVDSTADR');
    if (outcome.kind === 'throttle')
      throw new TransportError('sandbox: throttled (ESME_RTHROTTLED)', true, 'ESME_RTHROTTLED');
    const ids = sms.parts.map(() => (this.nextId++ >>> 0).toString(16).toUpperCase().padStart(8, '0'));
    if (this.options.logFile) {
      const lines = ids.map((id, seq) =>
        JSON.stringify({ messageId: sms.messageId, seq, carrierId: id, to: sms.to }),
      );
      // Synchronous, so no await lies between "accepted" and "recorded" (the page cache outlives a
      // killed process). One write per submit, a few microseconds.
      writeSync(this.logFd(this.options.logFile), `${lines.join('\n')}\n`);
    }
    this.acceptedParts += ids.length;
    if (this.options.keepRecords) {
      this.acceptedByMessage.set(
        sms.messageId,
        (this.acceptedByMessage.get(sms.messageId) ?? 0) + ids.length,
      );
      this.submitted.push(sms);
    }
    if (outcome.kind === 'receipt') {
      const at = Date.now() + (this.options.receiptDelayMs ?? 200);
      for (const id of ids) {
        // The receipt quotes the id in decimal, as the submit's hex id read as a number.
        const receipt = {
          carrierId: BigInt(`0x${id}`).toString(10),
          stat: outcome.stat,
          err: outcome.err,
          doneAt: at,
        };
        this.due.push({ at, receipt });
      }
      this.armTimer();
    }
    return { carrierIds: ids };
  }

  status(): readonly ConnectorStatus[] {
    return [{ name: 'sandbox', state: 'sandbox', detail: 'no SMS leaves this machine' }];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlightReceipts);
    if (this.logFileFd !== undefined) closeSync(this.logFileFd);
    this.logFileFd = undefined;
  }

  private logFd(file: string): number {
    if (this.logFileFd === undefined) {
      mkdirSync(dirname(file), { recursive: true });
      this.logFileFd = openSync(file, 'a');
    }
    return this.logFileFd;
  }

  private armTimer(): void {
    if (this.timer || this.closed) return;
    const first = this.due[0];
    if (!first) return;
    this.timer = setTimeout(() => this.deliverDue(), Math.max(0, first.at - Date.now()));
  }

  private deliverDue(): void {
    this.timer = undefined;
    const now = Date.now();
    let count = 0;
    // Receipts are queued in submit order with the same delay, so the due ones are at the front.
    while (count < this.due.length && (this.due[count]?.at ?? Infinity) <= now) count++;
    const ready = this.due.splice(0, count);
    for (const { receipt } of ready) {
      const handlers = this.handlers;
      if (!handlers) continue;
      const delivery = handlers
        .onReceipt(receipt)
        .catch((error: unknown) => this.log.error({ err: error, receipt }, 'sandbox: receipt not recorded'))
        .finally(() => this.inFlightReceipts.delete(delivery));
      this.inFlightReceipts.add(delivery);
    }
    this.armTimer();
  }
}

function describe(outcome: SandboxSmsOptions['outcome']): string {
  if (outcome === undefined) return 'DELIVRD:000';
  if (typeof outcome === 'function') return 'per message';
  return outcome.kind === 'receipt' ? `${outcome.stat}:${outcome.err}` : outcome.kind;
}
