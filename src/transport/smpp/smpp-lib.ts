/**
 * A typed face for the `smpp` package (CommonJS, no types), declaring only what this project uses:
 * sessions (client and server side), PDU construction and the command-status table.
 *
 * The package encodes and decodes `short_message` and `message_payload` itself, and lossily: its
 * decoder turns unknown GSM bytes into spaces, splits UDH its own way and reads data_coding 0 as its
 * "ASCII". We encode GSM 03.38 and UCS-2 ourselves and must see the exact bytes (receipts, MO
 * reassembly, the simulator's records), so on load this module re-registers `submit_sm`, `deliver_sm`
 * and the `message_payload` TLV through the package's public `addCommand` / `addTLV` with the same
 * wire layout and no text filter: those fields are plain Buffers both ways in this process.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Server, Socket } from 'node:net';

/** The PDU fields this project reads or writes, named as in SMPP v3.4. */
export interface PduFields {
  command_status?: number;
  sequence_number?: number;
  // bind_*
  system_id?: string;
  password?: string;
  system_type?: string;
  interface_version?: number;
  addr_ton?: number;
  addr_npi?: number;
  address_range?: string;
  // submit_sm / deliver_sm
  service_type?: string;
  source_addr_ton?: number;
  source_addr_npi?: number;
  source_addr?: string;
  dest_addr_ton?: number;
  dest_addr_npi?: number;
  destination_addr?: string;
  esm_class?: number;
  registered_delivery?: number;
  data_coding?: number | null;
  short_message?: Buffer;
  // *_resp
  message_id?: string;
  // TLVs
  message_payload?: Buffer;
  receipted_message_id?: string;
  message_state?: number;
  network_error_code?: Buffer;
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
}

export type SmppCommand =
  | 'bind_transceiver'
  | 'bind_transmitter'
  | 'bind_receiver'
  | 'unbind'
  | 'enquire_link'
  | 'submit_sm'
  | 'deliver_sm';

/** A decoded or to-be-sent PDU. */
export interface SmppPdu extends PduFields {
  readonly command: string;
  readonly command_id: number;
  command_status: number;
  sequence_number: number;
  isResponse(): boolean;
  /** The matching `*_resp` (or generic_nack for an unknown command), same sequence number. */
  response(fields?: PduFields): SmppPdu;
}

/**
 * One SMPP connection. Events: `connect`, `pdu` (every received PDU), `error`, `close`.
 * `send` assigns the sequence number of a request and returns false when the socket is not writable.
 */
export interface SmppSession extends EventEmitter {
  readonly socket: Socket;
  send(pdu: SmppPdu): boolean;
  close(callback?: () => void): void;
  destroy(callback?: () => void): void;
}

interface FieldType {
  readonly read: unknown;
  readonly write: unknown;
  readonly size: unknown;
}

interface ParamDefinition {
  readonly type: FieldType;
  readonly default?: unknown;
  readonly filter?: unknown;
}

interface CommandDefinition {
  readonly id: number;
  readonly params?: Record<string, ParamDefinition>;
}

interface SmppModule {
  PDU: new (command: string, fields?: PduFields) => SmppPdu;
  connect(options: { host: string; port: number }): SmppSession;
  createServer(listener: (session: SmppSession) => void): Server;
  addCommand(command: string, definition: CommandDefinition): void;
  addTLV(tag: string, definition: { id: number; type: FieldType }): void;
  commands: Record<string, CommandDefinition>;
  errors: Record<string, number>;
  types: { buffer: FieldType; tlv: { buffer: FieldType } };
}

const require = createRequire(import.meta.url);
// The package's shape is declared above; this is the one place its untyped export is read.
const lib = require('smpp') as SmppModule;

for (const command of ['submit_sm', 'deliver_sm']) {
  const definition = lib.commands[command];
  if (!definition?.params?.short_message) throw new Error(`smpp package: ${command} has no short_message`);
  // Spreading keeps the parameters' order, which is their order on the wire.
  lib.addCommand(command, {
    id: definition.id,
    params: { ...definition.params, short_message: { type: lib.types.buffer } },
  });
}
lib.addTLV('message_payload', { id: 0x0424, type: lib.types.tlv.buffer });

/** Builds a request PDU; its sequence number is assigned by `SmppSession.send`. */
export function createPdu(command: SmppCommand, fields: PduFields = {}): SmppPdu {
  return new lib.PDU(command, fields);
}

/** Opens a client session (TCP connect starts at once; listen for `connect`). */
export function connectSession(host: string, port: number): SmppSession {
  return lib.connect({ host, port });
}

/** An SMPP server: a `net.Server` that hands each accepted connection over as a session. */
export function createSmppServer(onSession: (session: SmppSession) => void): Server {
  return lib.createServer(onSession);
}

/** SMPP command_status names by value, from the package's table (`ESME_RINVDSTADR` …). */
export const COMMAND_STATUS_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(lib.errors).map(([name, value]) => [value, name]),
);
