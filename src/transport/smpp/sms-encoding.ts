/**
 * Text ↔ bytes for SMPP short messages, and the user data header (UDH) of concatenated SMS.
 * GSM-7 travels unpacked with data_coding 0; UCS-2 is UTF-16BE with data_coding 8 (a character
 * outside the BMP is its surrogate pair, which handsets read back as one character).
 */
import { decodeGsm7, encodeGsm7 } from '../../domain/sms/gsm7.js';
import type { SmsEncoding } from '../../domain/ports/transports.js';

export const DATA_CODING = { GSM7: 0x00, ASCII: 0x01, LATIN1: 0x03, UCS2: 0x08 } as const;

/** esm_class bits (SMPP v3.4 §5.2.12). */
export const ESM_CLASS = {
  /** Message type "SMSC delivery receipt". */
  RECEIPT: 0x04,
  /** Message type bits: any value but 0 marks a receipt or acknowledgement, not a user message. */
  MESSAGE_TYPE_MASK: 0x3c,
  /** The short message starts with a user data header. */
  UDHI: 0x40,
} as const;

export function dataCodingOf(encoding: SmsEncoding): number {
  return encoding === 'GSM-7' ? DATA_CODING.GSM7 : DATA_CODING.UCS2;
}

/** Encodes one part. Throws RangeError when GSM-7 is asked for a character outside its alphabet. */
export function encodeText(text: string, encoding: SmsEncoding): Buffer {
  return encoding === 'GSM-7' ? encodeGsm7(text) : encodeUtf16Be(text);
}

function encodeUtf16Be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/**
 * Decodes a received short message by its data_coding: 0 (SMSC default, read as GSM 03.38) and the
 * GSM message-class group 0xF0–0xF3, 1 (IA5/ASCII), 3 (Latin-1), 8 (UCS-2). Anything else is
 * binary or national; Latin-1 keeps its bytes visible rather than failing.
 */
export function decodeText(dataCoding: number, bytes: Buffer): string {
  if (dataCoding === DATA_CODING.GSM7 || (dataCoding & 0xfc) === 0xf0) return decodeGsm7(bytes);
  if (dataCoding === DATA_CODING.ASCII) return bytes.toString('ascii');
  if (dataCoding === DATA_CODING.UCS2) {
    const even = bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1);
    return Buffer.from(even).swap16().toString('utf16le');
  }
  return bytes.toString('latin1');
}

/** Where a part belongs in a concatenated message. */
export interface ConcatInfo {
  readonly reference: number;
  readonly total: number;
  readonly sequence: number;
}

/** The 6-octet UDH of one concatenated part with an 8-bit reference (IEI 0x00). */
export function concatUdh(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}

export interface ParsedUdh {
  /** The bytes after the header. */
  readonly body: Buffer;
  readonly concat: ConcatInfo | undefined;
}

/**
 * Splits a UDH off a short message and reads its concatenation element: IEI 0x00 (8-bit reference)
 * or 0x08 (16-bit reference). Other elements (ports, formatting…) are skipped. A header that runs
 * past the message is treated as absent rather than trusted.
 */
export function parseUdh(message: Buffer): ParsedUdh {
  const headerLength = message[0];
  if (headerLength === undefined || headerLength + 1 > message.length)
    return { body: message, concat: undefined };
  let concat: ConcatInfo | undefined;
  let offset = 1;
  while (offset + 2 <= headerLength + 1) {
    const iei = message[offset] ?? 0;
    const length = message[offset + 1] ?? 0;
    const data = message.subarray(offset + 2, offset + 2 + length);
    if (iei === 0x00 && length === 3) {
      concat = { reference: data[0] ?? 0, total: data[1] ?? 0, sequence: data[2] ?? 0 };
    } else if (iei === 0x08 && length === 4) {
      concat = { reference: data.readUInt16BE(0), total: data[2] ?? 0, sequence: data[3] ?? 0 };
    }
    offset += 2 + length;
  }
  return { body: message.subarray(headerLength + 1), concat };
}
