/**
 * An SMSC simulator on the `smpp` package's server side, for development, tests and benchmarks.
 * It binds ESMEs (any credentials, or the configured ones), answers submit_sm with message ids,
 * sends a receipt for each after `receiptDelayMs` following the `outcomes` mix, throttles beyond
 * `tps` (ESME_RTHROTTLED), drops the connection on every `dropEvery`-th submit_sm (the message
 * accepted, its answer never sent: the case that makes duplicates), refuses binds during a
 * maintenance window (`refuseBinds`: a carrier outage), and injects MO messages.
 * It counts everything and keeps the key fields of each accepted submit_sm for tests.
 */
import type { Server } from 'node:net';
import { createSmppServer, type PduFields, type SmppPdu, type SmppSession } from '../smpp/smpp-lib.js';
import { decodeText, ESM_CLASS, parseUdh } from '../smpp/sms-encoding.js';
import { TokenBucket } from '../smpp/token-bucket.js';
import { SimDeliveries, type ReceiverSession } from './sim-deliveries.js';
import { MaintenanceWindow } from './sim-maintenance.js';
import { moParts, outcomeAt, receiptFields, type MoMessage, type Outcome } from './sim-messages.js';

export interface SmscSimOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Accepted credentials; when unset, any system_id / password binds. */
  readonly systemId?: string;
  readonly password?: string;
  /** Delay before a submit's receipt is sent (default 100 ms). */
  readonly receiptDelayMs?: number;
  /** Receipt outcomes mix (default all DELIVRD:000). */
  readonly outcomes?: readonly Outcome[];
  /** submit_sm per second accepted; beyond, ESME_RTHROTTLED. */
  readonly tps?: number;
  /** The status answered beyond `tps` (default ESME_RTHROTTLED 0x58; ESME_RMSGQFUL is 0x14). */
  readonly throttleStatus?: number;
  /** Drop the connection on every N-th submit_sm, having accepted it but before answering. */
  readonly dropEvery?: number;
  /** Base of the message ids in submit_sm_resp (default hex). */
  readonly idFormat?: 'hex' | 'decimal';
  /** Write the receipt's `id:` in the other base than submit_sm_resp did (as some carriers do). */
  readonly receiptIdInOtherBase?: boolean;
  /** Send receipted_message_id / message_state / network_error_code TLVs (default true). */
  readonly receiptTlvs?: boolean;
  /** Keep each accepted submit_sm in `submitted` (default true; off for long benchmarks). */
  readonly keepPdus?: boolean;
  /** Wait before delivering again a deliver_sm answered with an error (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Unanswered deliver_sm per session at most (default 100). */
  readonly deliverWindow?: number;
  /** Refuse every bind (ESME_RBINDFAIL) for this long after the start: an SMSC in maintenance. */
  readonly refuseBindsMs?: number;
}

export interface SmscSimStats {
  binds: number;
  /** Binds refused, for bad credentials or during a maintenance window. */
  bindFailures: number;
  /** Of bindFailures, those refused because of a maintenance window. */
  bindsRefusedInMaintenance: number;
  unbinds: number;
  enquireLinks: number;
  /** Every submit_sm received. */
  submitSm: number;
  /** Accepted (answered OK, or accepted then dropped unanswered). */
  accepted: number;
  /** Accepted submits with different (source, destination, data_coding, esm_class, bytes). */
  distinctMessages: number;
  throttled: number;
  rejected: number;
  drops: number;
  receiptsSent: number;
  receiptsAcked: number;
  moPartsSent: number;
  moPartsAcked: number;
  /** deliver_sm answered with an error (each is delivered again). */
  deliverErrors: number;
}

/** The key fields of one accepted submit_sm. */
export interface SubmittedPdu {
  readonly systemId: string;
  readonly messageId: string;
  readonly sourceAddr: string;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly destinationAddr: string;
  readonly destTon: number;
  readonly destNpi: number;
  readonly esmClass: number;
  readonly dataCoding: number;
  readonly registeredDelivery: number;
  /** short_message as received, UDH included. */
  readonly shortMessage: Buffer;
  /** The UDH (length octet included) when esm_class has the UDHI bit. */
  readonly udh: Buffer | undefined;
  readonly messagePayload: Buffer | undefined;
  readonly sar: { readonly reference: number; readonly total: number; readonly sequence: number } | undefined;
}

/** A message (distinctKey) accepted more than once, with the system_type of each accepting session. */
export interface DuplicateSubmit {
  readonly destination: string;
  readonly text: string;
  readonly acceptedBy: readonly string[];
}

export interface SmscSim {
  readonly port: number;
  readonly stats: SmscSimStats;
  readonly submitted: SubmittedPdu[];
  /** Messages accepted more than once (a resend after a crash, or a bug): what the scale test counts. */
  duplicates(): DuplicateSubmit[];
  /** Accepted submits per bind system_type (each process of a test binds with its own). */
  acceptedBySystemType(): Record<string, number>;
  /** Sends an MO message (in parts when long); resolves once every part was answered OK. */
  injectMo(mo: MoMessage): Promise<void>;
  /** Sessions currently bound. */
  readonly boundSessions: number;
  /** Kills every connection (the server keeps listening). */
  dropConnections(): void;
  /**
   * Begins a maintenance window: the bound sessions are dropped, and binds are refused with
   * ESME_RBINDFAIL for `durationMs`, or until acceptBinds() when it is omitted.
   */
  refuseBinds(durationMs?: number): void;
  /** Ends the maintenance window: binds are accepted again. */
  acceptBinds(): void;
  /** True while binds are refused. */
  readonly refusingBinds: boolean;
  close(): Promise<void>;
}

interface SessionState {
  mode: 'transceiver' | 'transmitter' | 'receiver' | undefined;
  systemId: string;
  /** The bind's system_type: tests give each process its own, to tell who sent a duplicate. */
  systemType: string;
  receiver: ReceiverSession | undefined;
}

const BIND_MODES: Record<string, SessionState['mode']> = {
  bind_transceiver: 'transceiver',
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
};

const STATUS = {
  OK: 0x00,
  INVMSGLEN: 0x01,
  INVBNDSTS: 0x04,
  ALYBND: 0x05,
  INVSRCADR: 0x0a,
  INVDSTADR: 0x0b,
  BINDFAIL: 0x0d,
  INVPASWD: 0x0e,
  INVSYSID: 0x0f,
  THROTTLED: 0x58,
  INVDCS: 0x104,
};

export async function startSmscSim(options: SmscSimOptions = {}): Promise<SmscSim> {
  const outcomes = options.outcomes ?? [{ stat: 'DELIVRD', err: '000', weight: 1 }];
  const receiptDelayMs = options.receiptDelayMs ?? 100;
  const keepPdus = options.keepPdus ?? true;
  const stats: SmscSimStats = {
    binds: 0,
    bindFailures: 0,
    bindsRefusedInMaintenance: 0,
    unbinds: 0,
    enquireLinks: 0,
    submitSm: 0,
    accepted: 0,
    distinctMessages: 0,
    throttled: 0,
    rejected: 0,
    drops: 0,
    receiptsSent: 0,
    receiptsAcked: 0,
    moPartsSent: 0,
    moPartsAcked: 0,
    deliverErrors: 0,
  };
  const submitted: SubmittedPdu[] = [];
  /** distinctKey → the system_type of each session that had it accepted. */
  const distinct = new Map<string, string[]>();
  const duplicateKeys = new Map<string, SubmittedPdu>();
  const acceptedBy = new Map<string, number>();
  const sessions = new Set<SmppSession>();
  const bucket = options.tps === undefined ? undefined : new TokenBucket(options.tps, Date.now());
  let nextId = options.idFormat === 'decimal' ? 1_000_000_000 : 0xa0000000;
  let receiptCount = 0;
  let moReference = 0;
  let boundSessions = 0;
  const maintenance = new MaintenanceWindow();
  if (options.refuseBindsMs !== undefined && options.refuseBindsMs > 0)
    maintenance.begin(options.refuseBindsMs);

  const deliveries = new SimDeliveries(options.deliverWindow ?? 100, options.retryDelayMs ?? 1000, {
    onSent: (d) => (d.kind === 'receipt' ? stats.receiptsSent++ : stats.moPartsSent++),
    onAnswered: (d, status) => {
      if (status !== STATUS.OK) stats.deliverErrors++;
      else if (d.kind === 'receipt') stats.receiptsAcked++;
      else stats.moPartsAcked++;
    },
  });

  const formatId = (id: number, otherBase: boolean): string => {
    const hex = options.idFormat !== 'decimal';
    return (hex !== otherBase ? id.toString(16).toUpperCase() : String(id)).padStart(8, '0');
  };

  function bind(session: SmppSession, state: SessionState, pdu: SmppPdu): void {
    const refuse = (status: number): void => {
      stats.bindFailures++;
      session.send(pdu.response({ command_status: status }));
      session.close();
    };
    if (state.mode !== undefined) return void session.send(pdu.response({ command_status: STATUS.ALYBND }));
    if (maintenance.active) {
      stats.bindsRefusedInMaintenance++;
      return refuse(STATUS.BINDFAIL);
    }
    if (options.systemId !== undefined && pdu.system_id !== options.systemId) return refuse(STATUS.INVSYSID);
    if (options.password !== undefined && pdu.password !== options.password) return refuse(STATUS.INVPASWD);
    state.mode = BIND_MODES[pdu.command] ?? 'transceiver';
    state.systemId = pdu.system_id ?? '';
    state.systemType = pdu.system_type ?? '';
    stats.binds++;
    boundSessions++;
    session.send(pdu.response({ system_id: 'VUDUSIM' }));
    if (state.mode !== 'transmitter') {
      state.receiver = { session, systemId: state.systemId, inFlight: new Map() };
      deliveries.bound(state.receiver);
    }
  }

  function submit(session: SmppSession, state: SessionState, pdu: SmppPdu): void {
    stats.submitSm++;
    const answer = (fields: PduFields): void => void session.send(pdu.response(fields));
    if (state.mode === undefined || state.mode === 'receiver')
      return answer({ command_status: STATUS.INVBNDSTS });
    if (bucket && !bucket.take(Date.now())) {
      stats.throttled++;
      return answer({ command_status: options.throttleStatus ?? STATUS.THROTTLED });
    }
    const refusal = validate(pdu);
    if (refusal !== undefined) {
      stats.rejected++;
      return answer({ command_status: refusal });
    }
    const id = nextId++;
    const messageId = formatId(id, false);
    stats.accepted++;
    const record = describe(pdu, state.systemId, messageId);
    const key = distinctKey(record);
    acceptedBy.set(state.systemType, (acceptedBy.get(state.systemType) ?? 0) + 1);
    const sessions = distinct.get(key);
    if (sessions === undefined) distinct.set(key, [state.systemType]);
    else {
      sessions.push(state.systemType);
      duplicateKeys.set(key, record);
    }
    stats.distinctMessages = distinct.size;
    if (keepPdus) submitted.push(record);
    if (((pdu.registered_delivery ?? 0) & 0x03) !== 0) scheduleReceipt(record, id, state.systemId);
    if (options.dropEvery !== undefined && stats.submitSm % options.dropEvery === 0) {
      stats.drops++;
      session.destroy();
      return;
    }
    answer({ message_id: messageId });
  }

  function scheduleReceipt(record: SubmittedPdu, id: number, systemId: string): void {
    const outcome = outcomeAt(outcomes, receiptCount++);
    const withTlvs = options.receiptTlvs ?? true;
    const body = record.udh ? record.shortMessage.subarray(record.udh.length) : record.shortMessage;
    const fields = receiptFields({
      source: record.sourceAddr,
      destination: record.destinationAddr,
      textId: formatId(id, options.receiptIdInOtherBase ?? false),
      tlvId: withTlvs ? record.messageId : undefined,
      outcome,
      submittedAt: Date.now(),
      doneAt: Date.now() + receiptDelayMs,
      excerpt: decodeText(record.dataCoding, record.messagePayload ?? body),
    });
    deliveries.later({ fields, kind: 'receipt', systemId }, receiptDelayMs);
  }

  const server: Server = createSmppServer((session) => {
    const state: SessionState = { mode: undefined, systemId: '', systemType: '', receiver: undefined };
    sessions.add(session);
    // As SMSCs do: answers leave at once rather than wait (Nagle) for the ESME's delayed ACK.
    session.socket.setNoDelay(true);
    session.on('error', () => session.destroy());
    session.on('close', () => {
      sessions.delete(session);
      if (state.mode !== undefined) boundSessions--;
      if (state.receiver) deliveries.closed(state.receiver);
    });
    session.on('pdu', (pdu: SmppPdu) => {
      switch (pdu.command) {
        case 'bind_transceiver':
        case 'bind_transmitter':
        case 'bind_receiver':
          return bind(session, state, pdu);
        case 'submit_sm':
          return submit(session, state, pdu);
        case 'deliver_sm_resp':
          if (state.receiver) deliveries.answered(state.receiver, pdu.sequence_number, pdu.command_status);
          return;
        case 'enquire_link':
          stats.enquireLinks++;
          return void session.send(pdu.response());
        case 'unbind':
          stats.unbinds++;
          session.send(pdu.response());
          return void session.close();
        default:
          if (!pdu.isResponse()) session.send(pdu.response({ command_status: 0x03 }));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('SMSC simulator: no TCP address');

  return {
    port: address.port,
    stats,
    submitted,
    get boundSessions() {
      return boundSessions;
    },
    duplicates() {
      return [...duplicateKeys].map(([key, record]) => ({
        destination: record.destinationAddr,
        text: decodeText(
          record.dataCoding,
          record.messagePayload ??
            (record.udh ? record.shortMessage.subarray(record.udh.length) : record.shortMessage),
        ),
        acceptedBy: distinct.get(key) ?? [],
      }));
    },
    acceptedBySystemType() {
      return Object.fromEntries(acceptedBy);
    },
    injectMo(mo: MoMessage): Promise<void> {
      moReference = (moReference + 1) & 0xffff;
      const parts = moParts(mo, moReference);
      return new Promise((resolve) => {
        let acked = 0;
        const systemId = mo.systemId ?? options.systemId;
        for (const fields of parts) {
          const done = (): void => {
            if (++acked === parts.length) resolve();
          };
          deliveries.enqueue({ fields, kind: 'mo', systemId, acked: done });
        }
      });
    },
    dropConnections() {
      for (const session of sessions) session.destroy();
    },
    refuseBinds(durationMs?: number) {
      maintenance.begin(durationMs);
      for (const session of sessions) session.destroy();
    },
    acceptBinds() {
      maintenance.end();
    },
    get refusingBinds() {
      return maintenance.active;
    },
    async close() {
      deliveries.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.destroy();
      await closed;
    },
  };
}

/** Two accepted submits with this key are the same message sent twice. */
function distinctKey(record: SubmittedPdu): string {
  const payload = record.messagePayload?.toString('hex') ?? '';
  const sar = record.sar ? `${record.sar.reference}/${record.sar.sequence}` : '';
  const { sourceAddr, destinationAddr, dataCoding, esmClass } = record;
  return `${sourceAddr}|${destinationAddr}|${dataCoding}|${esmClass}|${record.shortMessage.toString('hex')}|${payload}|${sar}`;
}

/** The refusal a real SMSC would give to a malformed submit_sm, if any. */
function validate(pdu: SmppPdu): number | undefined {
  if (!/^\d{1,20}$/.test(pdu.destination_addr ?? '')) return STATUS.INVDSTADR;
  if ((pdu.source_addr ?? '') === '') return STATUS.INVSRCADR;
  if (![0, 1, 3, 4, 8].includes(pdu.data_coding ?? 0)) return STATUS.INVDCS;
  if ((pdu.short_message?.length ?? 0) > 254) return STATUS.INVMSGLEN;
  return undefined;
}

function describe(pdu: SmppPdu, systemId: string, messageId: string): SubmittedPdu {
  const shortMessage = pdu.short_message ?? Buffer.alloc(0);
  const esmClass = pdu.esm_class ?? 0;
  const hasUdh = (esmClass & ESM_CLASS.UDHI) !== 0 && shortMessage.length > 0;
  const udhLength = hasUdh ? shortMessage.length - parseUdh(shortMessage).body.length : 0;
  const { sar_msg_ref_num: reference, sar_total_segments: total, sar_segment_seqnum: sequence } = pdu;
  return {
    systemId,
    messageId,
    sourceAddr: pdu.source_addr ?? '',
    sourceTon: pdu.source_addr_ton ?? 0,
    sourceNpi: pdu.source_addr_npi ?? 0,
    destinationAddr: pdu.destination_addr ?? '',
    destTon: pdu.dest_addr_ton ?? 0,
    destNpi: pdu.dest_addr_npi ?? 0,
    esmClass,
    dataCoding: pdu.data_coding ?? 0,
    registeredDelivery: pdu.registered_delivery ?? 0,
    shortMessage,
    udh: hasUdh ? shortMessage.subarray(0, udhLength) : undefined,
    messagePayload: pdu.message_payload,
    sar:
      reference !== undefined && total !== undefined && sequence !== undefined
        ? { reference, total, sequence }
        : undefined,
  };
}
