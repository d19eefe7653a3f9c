import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../app-context.js';
import { requestIdUsed, tooManyVerifications } from '../../domain/errors.js';
import { segmentMessage } from '../../domain/sms/segments.js';
import {
  chooseVerificationChannel,
  parseVerificationRequest,
  verificationSmsText,
} from '../../domain/verification/verification.js';
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
      const requestId = request.requestId ?? randomUUID();
      const { verify } = ctx.config;
      const route = chooseVerificationChannel(
        request.to,
        await ctx.outbound.isKnownLandline(request.to),
        verify.landlinePrefixes,
      );
      let sms;
      if (route.channel === 'sms') {
        const body = verificationSmsText(request.code, request.language);
        const { parts, encoding } = segmentMessage(body);
        const [from = ''] = await ctx.outbound.senderNumbers(auth.account.id);
        sms = { from, body, partCount: parts.length, encoding, fallback: route.fallbackToVoice };
      }
      const outcome = await ctx.outbound.createVerification({
        accountId: auth.account.id,
        keyId: auth.keyId,
        requestId,
        to: request.to,
        code: request.code,
        language: request.language,
        createdAt: ctx.now(),
        limits: { perNumber: verify.limitPerNumber, perKey: verify.limitPerKey },
        sms,
      });
      if (outcome === 'request_id_used') throw requestIdUsed();
      if (outcome === 'rate_limited') throw tooManyVerifications();
      ctx.messageEvents.notifyQueued(sms ? 'sms' : 'call');
      return { status: true, request_id: requestId };
    },
  });
  return [sendVerification];
}
