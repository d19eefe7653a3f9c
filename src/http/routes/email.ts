import type { AppContext } from '../../app-context.js';
import { parseEmailRequest } from '../../domain/messages/outbound-email.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentQueuedEmail } from '../presenters/messages.js';

/** send_email (contract §3.3): stored as queued, sent by the email dispatcher. */
export function emailEndpoints(ctx: AppContext): Endpoint[] {
  const sendEmail = defineEndpoint({
    name: 'send_email',
    tag: 'Messages',
    summary: 'Send an email',
    params: {
      to: { description: 'Recipient email address' },
      subject: { description: 'Subject line' },
      message: { description: 'Body: plain text, or HTML when format is htm', maxLength: 512 * 1024 },
      format: { description: 'text or htm (html accepted)', enum: ['text', 'htm', 'html'] },
    },
    async handle({ params, auth }) {
      const email = parseEmailRequest(params);
      const id = await ctx.messaging.sendEmail(
        { id: auth.account.id, mailFrom: auth.account.mailFrom },
        email,
      );
      return presentQueuedEmail(id);
    },
  });
  return [sendEmail];
}
