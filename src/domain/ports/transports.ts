/**
 * The transports' small interfaces. The domain and the workers talk only to these; main.ts picks the
 * implementation (sandbox, SMPP, SMTP, voice) from the configuration.
 */

export interface OutboundEmail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** When set, sent as the HTML alternative beside `text`. */
  readonly html?: string;
}

/**
 * Whether a failed send may succeed later (4xx SMTP, connection lost) or never will (5xx).
 * `code` names the cause for logs and storage: an SMPP status name (`ESME_RINVDSTADR`, or its hex
 * value `0x0000000B` for a vendor status), `SMTP_550`, `SMPP_UNAVAILABLE`…; `commandStatus` is the
 * SMPP command_status itself when the carrier refused a submit_sm.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: string,
    readonly commandStatus?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface EmailTransport {
  /** A name for logs and /health: `sandbox`, `smtp`. */
  readonly kind: string;
  /** Sends one email; resolves with the transport's message id, rejects with TransportError. */
  send(email: OutboundEmail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** One SMS to hand to a carrier, already split by the domain's segmenter (domain/segments.ts). */
export interface OutboundSms {
  /** Our message id, for logs and correlation. */
  readonly messageId: number;
  readonly from: string;
  readonly to: string;
  /** The whole text. */
  readonly text: string;
  readonly encoding: SmsEncoding;
  /** The text of each part, in order; one element for a single-part message. */
  readonly parts: readonly string[];
}

/**
 * What the carrier answered: its message id for each submit_sm, in order — one per part, or a single
 * one when the connector sends a long text whole in message_payload (`long=payload`). Ids are in the
 * normalised form of domain/carrier-id.ts, as receipts' ids are.
 */
export interface SubmitResult {
  readonly carrierIds: readonly string[];
}

/**
 * A delivery receipt, parsed: SMPP `stat:` (DELIVRD, UNDELIV…) and the 3-digit `err:` code.
 * `carrierId` is normalised (domain/carrier-id.ts); match it with `carrierIdKeys`, which also finds a
 * submit id the carrier wrote in the other base (hex vs decimal). `doneAt` is epoch ms when the
 * receipt carries a `done date:`.
 */
export interface DeliveryReceipt {
  readonly carrierId: string;
  readonly stat: string;
  readonly err: string;
  readonly doneAt?: number;
}

/** An inbound (MO) message, reassembled when it came in several parts. */
export interface InboundSms {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly partCount: number;
  readonly receivedAt: number;
}

/** Callbacks a transport calls; each resolves once the outcome is committed to the store. */
export interface SmsTransportHandlers {
  onReceipt(receipt: DeliveryReceipt): Promise<void>;
  onInbound(sms: InboundSms): Promise<void>;
}

/** A connector's state for the log and GET /health. */
export interface ConnectorStatus {
  readonly name: string;
  /** standby: this process holds none of the connector's bind slots (max_binds), so it does not bind. */
  readonly state: 'bound' | 'connecting' | 'retrying' | 'closed' | 'sandbox' | 'standby';
  readonly detail?: string;
}

export interface SmsTransport {
  readonly kind: string;
  start(handlers: SmsTransportHandlers): Promise<void>;
  /** Submits every part; rejects with TransportError (retryable or not) when the carrier refuses. */
  submit(sms: OutboundSms): Promise<SubmitResult>;
  status(): readonly ConnectorStatus[];
  /**
   * False while this process cannot submit (SMPP: no connector bound, for want of a bind slot or
   * because the carrier is down): its dispatcher then claims nothing, leaving the queue to the
   * processes that hold a bind, or waiting for the carrier. Absent = always ready.
   */
  ready?(): boolean;
  close(): Promise<void>;
}

export interface VoiceCall {
  readonly to: string;
  readonly from: string;
  readonly language: 'fr' | 'en';
  /** The code's digits: a real call speaks them one by one, twice, from recorded pieces. */
  readonly code: string;
  /** What the call says, already written out (digits one by one, twice): for logs and the sandbox. */
  readonly text: string;
}

/**
 * How a placed call ended. `answered`: the callee picked up and the prompt was played (to its end
 * or until the callee hung up); `busy`: 486/600; `no_answer`: 408/480/487 or the ring timeout;
 * `failed`: any other final answer (404, 503, 603…), with its SIP code. A call that could not be
 * tried at all (no trunk reachable, every trunk refusing) is not an outcome: `placeCall` throws a
 * `TransportError` instead.
 */
export interface CallResult {
  readonly callId: string;
  readonly outcome: 'answered' | 'busy' | 'no_answer' | 'failed';
  /** The final SIP status code, when the call got one. */
  readonly sipCode?: number;
  /** The SIP reason phrase or why the call ended, for logs and `get_verification`. */
  readonly reason?: string;
  /** From the answer to the hang-up; 0 for an unanswered call. */
  readonly durationMs: number;
}

/** What the caller hears of a call while it is in progress. */
export interface CallProgress {
  /**
   * The callee answered (SIP 200 OK, before the prompt plays). The transport awaits it before it
   * streams the prompt, so the caller can record durably that this number was reached: a worker
   * killed mid-prompt must not leave the call to be placed a second time by another worker.
   */
  answered(callId: string): Promise<void>;
}

export interface VoiceTransport {
  readonly kind: string;
  /**
   * Calls the transport can carry at once (its trunks' limits), when it has a limit: the
   * verification caller places no more than this, nor more than VOICE_MAX_CALLS.
   */
  readonly maxConcurrentCalls?: number;
  /** Places the call and resolves once it has ended. */
  placeCall(call: VoiceCall, progress?: CallProgress): Promise<CallResult>;
  close(): Promise<void>;
}
