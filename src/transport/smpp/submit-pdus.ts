/**
 * The submit_sm fields for one outbound SMS, from the parts the domain's segmenter made:
 * - one part: the encoded text in short_message;
 * - `long=udh` (default): one submit_sm per part, short_message = 6-octet UDH (IEI 0x00, 8-bit
 *   reference) + the part, esm_class 0x40;
 * - `long=sar`: one submit_sm per part, the part alone, with sar_msg_ref_num / sar_total_segments /
 *   sar_segment_seqnum TLVs (the SMSC builds the UDH);
 * - `long=payload`: one submit_sm with the whole text in message_payload (the SMSC splits it).
 * registered_delivery=1 asks for a receipt of every submit_sm.
 */
import { isGsm7 } from '../../domain/sms/gsm7.js';
import { TransportError, type OutboundSms } from '../../domain/ports/transports.js';
import type { PduFields } from './smpp-lib.js';
import type { LongMode } from './smpp-url.js';
import { concatUdh, dataCodingOf, encodeText, ESM_CLASS } from './sms-encoding.js';

/** Septets (GSM-7) or octets (UCS-2) one part may hold: alone, and beside a concatenation header. */
const PART_LIMITS = { 'GSM-7': { single: 160, multi: 153 }, 'UCS-2': { single: 140, multi: 134 } } as const;
const MAX_PARTS = 255;

/** Throws a permanent TransportError when the parts cannot be sent as given (a segmenter bug). */
export function buildSubmits(sms: OutboundSms, long: LongMode, reference: number): PduFields[] {
  const parts = sms.parts.length > 0 ? sms.parts : [sms.text];
  if (parts.length > MAX_PARTS) throw invalid(sms, `${parts.length} parts (at most ${MAX_PARTS})`);
  if (sms.encoding === 'GSM-7' && !parts.every(isGsm7))
    throw invalid(sms, 'a GSM-7 part holds other characters');
  const encoded = parts.map((part) => encodeText(part, sms.encoding));
  const limit = PART_LIMITS[sms.encoding][parts.length === 1 ? 'single' : 'multi'];
  encoded.forEach((bytes, index) => {
    if (bytes.length > limit)
      throw invalid(sms, `part ${index + 1} is ${bytes.length} units long (at most ${limit})`);
  });
  const base: PduFields = {
    source_addr: sms.from,
    destination_addr: sms.to,
    registered_delivery: 1,
    data_coding: dataCodingOf(sms.encoding),
    esm_class: 0,
  };
  const total = encoded.length;
  if (total === 1) return [{ ...base, short_message: encoded[0] }];
  switch (long) {
    case 'payload':
      return [{ ...base, short_message: Buffer.alloc(0), message_payload: Buffer.concat(encoded) }];
    case 'sar':
      return encoded.map((bytes, index) => ({
        ...base,
        short_message: bytes,
        sar_msg_ref_num: reference & 0xffff,
        sar_total_segments: total,
        sar_segment_seqnum: index + 1,
      }));
    case 'udh':
      return encoded.map((bytes, index) => ({
        ...base,
        esm_class: ESM_CLASS.UDHI,
        short_message: Buffer.concat([concatUdh(reference, total, index + 1), bytes]),
      }));
  }
}

function invalid(sms: OutboundSms, reason: string): TransportError {
  return new TransportError(`message ${sms.messageId} cannot be sent: ${reason}`, false, 'INVALID_PARTS');
}
