import type { AppContext } from '../../app-context.js';
import { parseVerificationRequest } from '../../domain/verification/verification.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';

/** send_verification (contract §3.4): a code by SMS or by voice call, rate-limited. */
export function verificationEndpoints(ctx: AppContext): Endpoint[] {
  const sendVerification = defineEndpoint({
    name: 'send_verification',
    tag: 'Verification',
    summary: 'Send a verification code by SMS (mobile) or voice call (landline)',
    params: {
      to: { description: 'Phone number (11 digits with the 1 prefix for North America)' },
      code: { description: 'The code, 4 to 10 digits' },
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
  return [sendVerification];
}
