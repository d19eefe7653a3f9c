/**
 * deliver_sm from a connector: delivery receipts go to `onReceipt`, user messages (MO) are
 * reassembled and go to `onInbound`. The deliver_sm_resp is sent only once the handler resolved
 * (the receipt or message is committed); when it rejects, the answer is ESME_RX_T_APPN, a temporary
 * error, so the SMSC delivers it again later. Nothing is acknowledged that is not stored.
 */
import type { Logger } from 'pino';
import { scopedCarrierId } from '../../domain/sms/carrier-id.js';
import type { SmsTransportHandlers } from '../../domain/ports/transports.js';
import { STATUS } from './command-status.js';
import { InboundAssembler, type AssembledMessage, type InboundPart } from './inbound-assembler.js';
import { parseReceipt } from './receipt.js';
import type { Reply } from './smpp-link.js';
import type { ConnectorOptions } from './smpp-url.js';
import type { SmppPdu } from './smpp-lib.js';
import { DATA_CODING, decodeText, ESM_CLASS, parseUdh, type ConcatInfo } from './sms-encoding.js';

export class DeliverHandler {
  private readonly assembler: InboundAssembler;
  private readonly running = new Set<Promise<void>>();
  private closing = false;

  constructor(
    private readonly connector: Pick<ConnectorOptions, 'moTimeoutMs' | 'idScope'>,
    private readonly handlers: SmsTransportHandlers,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    this.assembler = new InboundAssembler(connector.moTimeoutMs, (message) => this.inbound(message));
  }

  handle(pdu: SmppPdu, reply: Reply): void {
    // Closing: the store may be going away; the SMSC keeps it and delivers it again after the next bind.
    if (this.closing) return reply(STATUS.TEMPORARY_APP_ERROR);
    const esmClass = pdu.esm_class ?? 0;
    const payload = pdu.message_payload;
    const raw =
      payload !== undefined && payload.length > 0 ? payload : (pdu.short_message ?? Buffer.alloc(0));
    const udh = (esmClass & ESM_CLASS.UDHI) !== 0 ? parseUdh(raw) : undefined;
    const body = udh?.body ?? raw;
    const dataCoding = pdu.data_coding ?? 0;
    if ((esmClass & ESM_CLASS.MESSAGE_TYPE_MASK) !== 0) return this.receipt(pdu, body, dataCoding, reply);
    this.assembler.add({
      from: pdu.source_addr ?? '',
      to: pdu.destination_addr ?? '',
      dataCoding,
      body,
      concat: udh?.concat ?? sarConcat(pdu),
      receivedAt: this.now(),
      reply,
    });
  }

  /** Refuses new deliveries (temporary error); resolves when no handler call is running, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0 && Date.now() < deadline) {
      await Promise.race([...this.running, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
  }

  /** Drops partial messages unanswered (the SMSC delivers them again). */
  close(): void {
    this.assembler.clear();
  }

  private receipt(pdu: SmppPdu, body: Buffer, dataCoding: number, reply: Reply): void {
    // Receipt text is ASCII in practice whatever data_coding says (GSM-7 would misread `_` and `@`).
    const text = dataCoding === DATA_CODING.UCS2 ? decodeText(dataCoding, body) : body.toString('latin1');
    const receipt = parseReceipt({
      text,
      receiptedMessageId: pdu.receipted_message_id,
      messageState: pdu.message_state,
      networkErrorCode: pdu.network_error_code,
    });
    if (receipt === undefined) {
      // Answering an error would only make the SMSC send it again, as unreadable as before.
      this.log.warn({ text, source: pdu.source_addr }, 'unreadable delivery receipt ignored');
      reply(STATUS.OK);
      return;
    }
    const scoped = { ...receipt, carrierId: scopedCarrierId(this.connector.idScope, receipt.carrierId) };
    this.track(() => this.handlers.onReceipt(scoped), [reply], 'receipt', scoped.carrierId);
  }

  private inbound(message: AssembledMessage): void {
    const [first] = message.parts;
    if (first === undefined) return;
    if (!message.complete) {
      this.log.warn(
        { from: first.from, received: message.parts.length, total: first.concat?.total },
        'inbound SMS incomplete after the wait; storing the parts received',
      );
    }
    const sms = {
      from: first.from,
      to: first.to,
      text: assembleText(message.parts),
      partCount: message.parts.length,
      receivedAt: first.receivedAt,
    };
    this.track(() => this.handlers.onInbound(sms), message.replies, 'inbound', first.from);
  }

  private track(handler: () => Promise<void>, replies: readonly Reply[], what: string, ref: string): void {
    let work: Promise<void>;
    try {
      work = handler();
    } catch (error) {
      work = Promise.reject(error);
    }
    const settled = work.then(
      () => {
        for (const reply of replies) reply(STATUS.OK);
      },
      (error: unknown) => {
        this.log.error({ err: error, ref }, `${what} handler failed; answering a temporary error`);
        for (const reply of replies) reply(STATUS.TEMPORARY_APP_ERROR);
      },
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }
}

function sarConcat(pdu: SmppPdu): ConcatInfo | undefined {
  const { sar_msg_ref_num: reference, sar_total_segments: total, sar_segment_seqnum: sequence } = pdu;
  if (reference === undefined || total === undefined || sequence === undefined) return undefined;
  return { reference, total, sequence };
}

/**
 * Parts of one encoding are joined before decoding, so a UCS-2 surrogate pair or a GSM escape that a
 * sender split across parts still reads as one character.
 */
function assembleText(parts: readonly InboundPart[]): string {
  const codings = new Set(parts.map((part) => part.dataCoding));
  const [only] = codings;
  if (codings.size === 1 && only !== undefined)
    return decodeText(only, Buffer.concat(parts.map((p) => p.body)));
  return parts.map((part) => decodeText(part.dataCoding, part.body)).join('');
}
