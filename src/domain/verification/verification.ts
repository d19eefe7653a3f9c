import { invalidLanguage, invalidPhoneNumber, invalidVerificationCode, missingParameter } from '../errors.js';
import { normalisePhone, phoneKind } from '../common/phone.js';

/** A send_verification request once its parameters are read (contract §3.4). */
export interface VerificationRequest {
  readonly to: string;
  readonly code: string;
  readonly language: 'fr' | 'en';
  /** As the client gave it; undefined → the platform generates one. */
  readonly requestId: string | undefined;
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
  const code = (params.code ?? '').trim();
  if (!/^\d{4,10}$/.test(code)) throw invalidVerificationCode();
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

/**
 * How a code reaches a number (DESIGN.md): a known landline (learnt from an earlier failure, or
 * an operator's prefix) or a number libphonenumber types FIXED_LINE → voice; MOBILE → SMS; anything
 * else (NANP numbers are FIXED_LINE_OR_MOBILE) → SMS first, falling back to voice if it fails.
 */
export type VerificationChannel =
  { readonly channel: 'voice' } | { readonly channel: 'sms'; readonly fallbackToVoice: boolean };

export function chooseVerificationChannel(
  number: string,
  knownLandline: boolean,
  landlinePrefixes: readonly string[],
): VerificationChannel {
  if (knownLandline || landlinePrefixes.some((prefix) => number.startsWith(prefix)))
    return { channel: 'voice' };
  const kind = phoneKind(number);
  if (kind === 'landline') return { channel: 'voice' };
  return { channel: 'sms', fallbackToVoice: kind === 'unknown' };
}
