/** What the SMSC simulator sends: receipts for accepted submits, and MO messages split in parts. */
import { gsm7Septets, isGsm7 } from '../../domain/sms/gsm7.js';
import { formatSmscDate } from '../smpp/receipt.js';
import type { PduFields } from '../smpp/smpp-lib.js';
import { concatUdh, DATA_CODING, ESM_CLASS } from '../smpp/sms-encoding.js';
import { encodeText } from '../smpp/sms-encoding.js';

/** One receipt outcome and its share of the mix. */
export interface Outcome {
  readonly stat: string;
  readonly err: string;
  readonly weight: number;
}

/** Parses `DELIVRD:000=90,UNDELIV:300=5,EXPIRED:102=5`; throws Error naming the bad entry. */
export function parseOutcomes(spec: string): Outcome[] {
  const outcomes = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^([A-Z]{7}):(\d{3})(?:=(\d+))?$/.exec(entry);
      if (!match) throw new Error(`outcome "${entry}" is not STAT:ERR=WEIGHT (e.g. DELIVRD:000=90)`);
      const weight = Number(match[3] ?? '1');
      if (weight <= 0) throw new Error(`outcome "${entry}" needs a weight above 0`);
      return { stat: match[1] ?? '', err: match[2] ?? '', weight };
    });
  if (outcomes.length === 0) throw new Error('no outcome given');
  return outcomes;
}

/**
 * The outcome of the n-th receipt (0-based): the mix is walked in order, each outcome taking
 * `weight` consecutive receipts, so a run's shares are exact and tests are deterministic.
 */
export function outcomeAt(outcomes: readonly Outcome[], n: number): Outcome {
  const total = outcomes.reduce((sum, o) => sum + o.weight, 0);
  let position = n % total;
  for (const outcome of outcomes) {
    if (position < outcome.weight) return outcome;
    position -= outcome.weight;
  }
  const last = outcomes[outcomes.length - 1];
  if (last === undefined) throw new Error('no outcome given');
  return last;
}

const MESSAGE_STATES: Record<string, number> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

export interface ReceiptSpec {
  /** The submit's source and destination: the receipt travels the other way. */
  readonly source: string;
  readonly destination: string;
  /** The id as the text form writes it. */
  readonly textId: string;
  /** The id for the receipted_message_id TLV, when TLVs are sent. */
  readonly tlvId: string | undefined;
  readonly outcome: Outcome;
  readonly submittedAt: number;
  readonly doneAt: number;
  /** The first characters of the message, for `text:`. */
  readonly excerpt: string;
}

/** A deliver_sm receipt in the text form of SMPP v3.4 Appendix B, with TLVs when tlvId is set. */
export function receiptFields(spec: ReceiptSpec): PduFields {
  const { stat, err } = spec.outcome;
  const text =
    `id:${spec.textId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} ` +
    `submit date:${formatSmscDate(spec.submittedAt)} done date:${formatSmscDate(spec.doneAt)} ` +
    `stat:${stat} err:${err} text:${spec.excerpt.replace(/[^\x20-\x7e]/g, '?').slice(0, 20)}`;
  const fields: PduFields = {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: spec.destination,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: spec.source,
    esm_class: ESM_CLASS.RECEIPT,
    data_coding: DATA_CODING.GSM7,
    short_message: Buffer.from(text, 'latin1'),
  };
  if (spec.tlvId === undefined) return fields;
  const code = Number(err);
  return {
    ...fields,
    receipted_message_id: spec.tlvId,
    message_state: MESSAGE_STATES[stat] ?? 7,
    // Network type 3 (GSM), then the error code on two octets.
    network_error_code: Buffer.from([3, (code >> 8) & 0xff, code & 0xff]),
  };
}

/** An MO message to inject; long texts are sent as concatenated parts. */
export interface MoMessage {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  /** How parts are tied together: UDH with an 8-bit (default) or 16-bit reference, or SAR TLVs. */
  readonly concat?: 'udh8' | 'udh16' | 'sar';
  /** GSM-7 when every character fits, else UCS-2 (default); or Latin-1 with data_coding 3. */
  readonly encoding?: 'auto' | 'latin1';
  /** The ESME (system_id) to deliver to; default: whichever receiver is bound. */
  readonly systemId?: string;
}

/** The deliver_sm fields of each part of an MO message, in order. */
export function moParts(mo: MoMessage, reference: number): PduFields[] {
  if (mo.encoding === 'latin1') return latin1Parts(mo, reference);
  const gsm = isGsm7(mo.text);
  const chunks = gsm ? splitGsm(mo.text) : splitUcs2(mo.text);
  const base: PduFields = {
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: mo.from,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: mo.to,
    esm_class: 0,
    data_coding: gsm ? DATA_CODING.GSM7 : DATA_CODING.UCS2,
  };
  const total = chunks.length;
  return chunks.map((chunk, index) => {
    const body = encodeText(chunk, gsm ? 'GSM-7' : 'UCS-2');
    if (total === 1) return { ...base, short_message: body };
    if (mo.concat === 'sar') {
      return {
        ...base,
        short_message: body,
        sar_msg_ref_num: reference & 0xffff,
        sar_total_segments: total,
        sar_segment_seqnum: index + 1,
      };
    }
    const udh =
      mo.concat === 'udh16'
        ? Buffer.from([0x06, 0x08, 0x04, (reference >> 8) & 0xff, reference & 0xff, total, index + 1])
        : concatUdh(reference, total, index + 1);
    return { ...base, esm_class: ESM_CLASS.UDHI, short_message: Buffer.concat([udh, body]) };
  });
}

/** Latin-1 (data_coding 3): 140 octets alone, else 134 per part behind an 8-bit UDH. */
function latin1Parts(mo: MoMessage, reference: number): PduFields[] {
  const chars = [...mo.text];
  const chunks = chars.length <= 140 ? [mo.text] : chunk(chars, 134, () => 1);
  return chunks.map((text, index) => {
    const body = Buffer.from(text, 'latin1');
    const udh = chunks.length > 1 ? concatUdh(reference, chunks.length, index + 1) : undefined;
    return {
      source_addr: mo.from,
      destination_addr: mo.to,
      esm_class: udh ? ESM_CLASS.UDHI : 0,
      data_coding: DATA_CODING.LATIN1,
      short_message: udh ? Buffer.concat([udh, body]) : body,
    };
  });
}

/** 160 septets alone, else 153 per part; an extension character is never split from its escape. */
function splitGsm(text: string): string[] {
  const chars = [...text];
  const septets = chars.reduce((sum, c) => sum + (gsm7Septets(c) ?? 1), 0);
  return septets <= 160 ? [text] : chunk(chars, 153, (c) => gsm7Septets(c) ?? 1);
}

/** 70 UTF-16 units alone, else 67 per part; a surrogate pair is never split. */
function splitUcs2(text: string): string[] {
  return text.length <= 70 ? [text] : chunk([...text], 67, (c) => c.length);
}

function chunk(chars: string[], limit: number, size: (c: string) => number): string[] {
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const c of chars) {
    if (used + size(c) > limit) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += c;
    used += size(c);
  }
  if (current !== '') parts.push(current);
  return parts;
}
