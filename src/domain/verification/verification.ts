import { randomInt } from 'node:crypto';
import { invalidLanguage, invalidPhoneNumber, invalidVerificationCode, missingParameter } from '../errors.js';
import { normalisePhone, phoneKind } from '../common/phone.js';
import type { LineType } from '../ports/line-types.js';

/** A send_verification request once its parameters are read (contract §3.4). */
export interface VerificationRequest {
  readonly to: string;
  /** As the client gave it; undefined → the platform generates a 6-digit code (generateCode). */
  readonly code: string | undefined;
  readonly language: 'fr' | 'en';
  /** As the client gave it; undefined → the platform generates one. */
  readonly requestId: string | undefined;
}

/** A code is 4 to 10 digits (contract §3.4), whoever chose it. */
const CODE_FORMAT = /^\d{4,10}$/;

/** Reads a code a client gave (send_verification, check_verification); throws the contract's error. */
export function parseCode(raw: string | undefined): string {
  const code = (raw ?? '').trim();
  if (!CODE_FORMAT.test(code)) throw invalidVerificationCode();
  return code;
}

/**
 * The code the platform chooses when the client gave none: 6 digits from the operating system's
 * cryptographic generator (randomInt is uniform, with no modulo bias), leading zeros kept.
 */
export function generateCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export interface VerificationParams {
  to?: string;
  code?: string;
  language?: string;
  request_id?: string;
}

/** Reads send_verification's parameters in the documented order; throws the contract's errors. */
export function parseVerificationRequest(
  params: VerificationParams,
  account: { readonly defaultCountry: string; readonly defaultLanguage: string },
): VerificationRequest {
  const rawTo = params.to ?? '';
  if (rawTo.trim() === '') throw missingParameter('to');
  const to = normalisePhone(rawTo, account.defaultCountry);
  if (!to) throw invalidPhoneNumber('to');
  // An omitted (or empty) code is the platform's to generate; one given must be 4 to 10 digits.
  const code = (params.code ?? '').trim() === '' ? undefined : parseCode(params.code);
  const rawLanguage = params.language?.trim().toLowerCase() || account.defaultLanguage;
  if (rawLanguage !== 'fr' && rawLanguage !== 'en') throw invalidLanguage();
  const requestId = params.request_id?.trim();
  return { to, code, language: rawLanguage, requestId: requestId === '' ? undefined : requestId };
}

/** The SMS text, fixed per language. */
export function verificationSmsText(code: string, language: 'fr' | 'en'): string {
  return language === 'fr' ? `Votre code de vérification est ${code}` : `Your verification code is ${code}`;
}

/** What the voice call says: the digits one by one (a pause between each), then all of it again. */
export function verificationVoiceText(code: string, language: 'fr' | 'en'): string {
  const digits = code.split('').join(', ');
  return language === 'fr'
    ? `Votre code de vérification est : ${digits}. Je répète : ${digits}.`
    : `Your verification code is: ${digits}. I repeat: ${digits}.`;
}

/** What is known of a number's line before the choice, besides libphonenumber's type. */
export interface KnownLine {
  /** On the landline list: learnt from an earlier failed SMS, or added by the operator. */
  readonly listed: boolean;
  /** From the line-type lookup (the operator's NPA-NXX blocks), when it knows the number. */
  readonly lineType: LineType | undefined;
}

/**
 * How a code reaches a number (DESIGN.md): a known landline (on the list, under an operator's
 * prefix, in a block of fixed lines) or a number libphonenumber types FIXED_LINE → voice at once,
 * no SMS first; MOBILE → SMS; anything else (NANP numbers are FIXED_LINE_OR_MOBILE) → SMS first,
 * falling back to voice if it fails.
 */
export type VerificationChannel =
  { readonly channel: 'voice' } | { readonly channel: 'sms'; readonly fallbackToVoice: boolean };

export function chooseVerificationChannel(
  number: string,
  known: KnownLine,
  landlinePrefixes: readonly string[],
): VerificationChannel {
  if (known.listed || known.lineType === 'fixed' || landlinePrefixes.some((p) => number.startsWith(p)))
    return { channel: 'voice' };
  const kind = phoneKind(number);
  if (kind === 'landline') return { channel: 'voice' };
  return { channel: 'sms', fallbackToVoice: kind === 'unknown' };
}
