import type { SmsEncoding } from '../ports/transports.js';
import { badRequest, forbidden } from '../errors.js';
import { normalisePhone } from '../common/phone.js';
import { LIMITS, MAX_PARTS, segmentMessage } from '../sms/segments.js';

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

export const TOO_LONG = `message is too long (maximum ${MAX_PARTS} parts)`;
export const UNKNOWN_SENDER = 'from is not one of your sender numbers';
export const RECIPIENT_BLOCKED = 'recipient is blocked';
export const blockedRecipient = () => forbidden(RECIPIENT_BLOCKED);

/** The longest text that can fit in MAX_PARTS parts in any encoding (every character costs ≥ 1). */
const MAX_LENGTH = MAX_PARTS * LIMITS['GSM-7'].multi;

/** Reads send's parameters in the documented order; throws the contract's errors. */
export function parseSendRequest(params: SendParams, defaultCountry: string): SendRequest {
  const rawTo = params.to ?? '';
  if (rawTo.trim() === '') throw badRequest('to parameter is missing');
  if (params.message === undefined || params.message === '') throw badRequest('message parameter is missing');
  const to = normalisePhone(rawTo, defaultCountry);
  if (!to) throw badRequest('to is not a valid phone number');
  // NFC: a decomposed "é" (e + combining accent, as some keyboards send it) is one GSM-7 character.
  const body = params.message.normalize('NFC');
  if (body.length > MAX_LENGTH) throw badRequest(TOO_LONG);
  const segmented = segmentMessage(body);
  if (segmented.parts.length > MAX_PARTS) throw badRequest(TOO_LONG);
  let from: string | undefined;
  if (params.from !== undefined && params.from.trim() !== '') {
    const sender = normaliseSender(params.from, defaultCountry);
    if (!sender) throw badRequest(UNKNOWN_SENDER);
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
