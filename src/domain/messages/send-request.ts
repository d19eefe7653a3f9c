import type { SmsEncoding } from '../ports/transports.js';
import { invalidPhoneNumber, messageTooLong, missingParameter, unknownSender } from '../errors.js';
import { normalisePhone } from '../common/phone.js';
import { LIMITS, MAX_PARTS, segmentMessage } from '../sms/segments.js';
import { normaliseSmsText } from '../sms/sms-advice.js';

/** A `send` request once its parameters are read (contract §3.2). */
export interface SendRequest {
  readonly to: string;
  readonly body: string;
  readonly partCount: number;
  readonly encoding: SmsEncoding;
  /** The sender number asked for (extension), normalised; undefined → the account's first. */
  readonly from: string | undefined;
  readonly idempotencyKey: string | undefined;
}

export interface SendParams {
  to?: string;
  message?: string;
  from?: string;
  idempotency_key?: string;
}

/** The longest text that can fit in MAX_PARTS parts in any encoding (every character costs ≥ 1). */
const MAX_LENGTH = MAX_PARTS * LIMITS['GSM-7'].multi;

/** Reads send's parameters in the documented order; throws the contract's errors. */
export function parseSendRequest(params: SendParams, defaultCountry: string): SendRequest {
  const rawTo = params.to ?? '';
  if (rawTo.trim() === '') throw missingParameter('to');
  if (params.message === undefined || params.message === '') throw missingParameter('message');
  const to = normalisePhone(rawTo, defaultCountry);
  if (!to) throw invalidPhoneNumber('to');
  // NFC: a decomposed "é" (e + combining accent, as some keyboards send it) is one GSM-7 character.
  const body = normaliseSmsText(params.message);
  if (body.length > MAX_LENGTH) throw messageTooLong();
  const segmented = segmentMessage(body);
  if (segmented.parts.length > MAX_PARTS) throw messageTooLong();
  let from: string | undefined;
  if (params.from !== undefined && params.from.trim() !== '') {
    const sender = normaliseSender(params.from, defaultCountry);
    if (!sender) throw unknownSender();
    from = sender;
  }
  const key = params.idempotency_key?.trim();
  return {
    to,
    body,
    partCount: segmented.parts.length,
    encoding: segmented.encoding,
    from,
    idempotencyKey: key === '' ? undefined : key,
  };
}

/** A sender: a short code (3–8 digits) as written, or a phone number in the contract's form. */
export function normaliseSender(input: string, defaultCountry: string): string | null {
  const trimmed = input.trim();
  if (/^\d{3,8}$/.test(trimmed)) return trimmed;
  return normalisePhone(trimmed, defaultCountry);
}
