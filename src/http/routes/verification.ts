import type { AppContext } from '../../app-context.js';
import { missingParameter } from '../../domain/errors.js';
import { parseCode, parseVerificationRequest } from '../../domain/verification/verification.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentVerification } from '../presenters/verification.js';

/** A request_id as a client sends it back: required, trimmed. */
function requestIdOf(raw: string | undefined): string {
  const requestId = (raw ?? '').trim();
  if (requestId === '') throw missingParameter('request_id');
  return requestId;
}

/**
 * send_verification (contract §3.4): a code by SMS or by voice call, rate-limited; and the
 * extensions check_verification (is this the code?) and get_verification (where it stands).
 */
/** The request_id of check_verification and get_verification: one that send_verification answered. */
const ANSWERED_REQUEST_ID = {
  description: 'The request_id send_verification answered',
  maxLength: 100,
  extension: true,
} as const;

export function verificationEndpoints(ctx: AppContext): Endpoint[] {
  const sendVerification = defineEndpoint({
    name: 'send_verification',
    tag: 'Verification',
    summary: 'Send a verification code by SMS (mobile) or voice call (landline)',
    params: {
      to: { description: 'Phone number (11 digits with the 1 prefix for North America)' },
      code: {
        description:
          'The code, 4 to 10 digits; when omitted (extension) the platform generates 6 digits, checked with check_verification',
      },
      language: { description: 'fr or en (default: the account’s language)', enum: ['fr', 'en'] },
      request_id: { description: 'Your identifier of this request (generated when omitted)', maxLength: 100 },
    },
    async handle({ params, auth }) {
      const request = parseVerificationRequest(params, auth.account);
      const requestId = await ctx.verification.send(request, {
        accountId: auth.account.id,
        keyId: auth.keyId,
      });
      return { status: true, request_id: requestId };
    },
  });

  const checkVerification = defineEndpoint({
    name: 'check_verification',
    tag: 'Verification',
    summary: 'Check a code against a verification (5 checks at most, before it expires; once valid, spent)',
    extension: true,
    params: {
      request_id: ANSWERED_REQUEST_ID,
      code: { description: 'The code the person typed, 4 to 10 digits', extension: true },
    },
    async handle({ params, auth }) {
      const requestId = requestIdOf(params.request_id);
      const code = parseCode(params.code);
      const valid = await ctx.verification.check(auth.account.id, requestId, code);
      return { status: true, valid };
    },
  });

  const getVerification = defineEndpoint({
    name: 'get_verification',
    tag: 'Verification',
    summary: 'A verification’s channel, status, checks and call outcome (never its code)',
    extension: true,
    params: {
      request_id: ANSWERED_REQUEST_ID,
    },
    async handle({ params, auth }) {
      const row = await ctx.verification.find(auth.account.id, requestIdOf(params.request_id));
      return { status: true, verification: presentVerification(row) };
    },
  });
  return [sendVerification, checkVerification, getVerification];
}
