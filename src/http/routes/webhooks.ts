import type { AppContext } from '../../app-context.js';
import { formatUtc } from '../../domain/common/dates.js';
import type { Webhook } from '../../domain/ports/webhook-store.js';
import type { WebhookEvent } from '../../domain/webhooks/webhooks.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';

const TAG = 'Webhooks';

function presentWebhook(webhook: Webhook): {
  id: number;
  url: string;
  events: WebhookEvent[];
  created_at: string;
} {
  return {
    id: webhook.id,
    url: webhook.url,
    events: [...webhook.events],
    created_at: formatUtc(webhook.createdAt),
  };
}

/** Webhooks (contract §8, an extension): register, list and remove the account's URLs. */
export function webhookEndpoints(ctx: AppContext): Endpoint[] {
  return [
    defineEndpoint({
      name: 'post_webhook',
      tag: TAG,
      summary: 'Register a URL that receives inbound messages and status changes as signed POSTs',
      extension: true,
      params: {
        url: { description: 'http or https URL that receives the POSTs', maxLength: 2000 },
        events: { description: 'mo, status, keyword or all (default), comma-separated' },
      },
      async handle({ params, auth }) {
        const { webhook, secret } = await ctx.webhooks.create(auth.account.id, params);
        // The secret is shown once, here: receivers check X-VuduMobile-Signature with it.
        return { status: true, webhook: { ...presentWebhook(webhook), secret } };
      },
    }),
    defineEndpoint({
      name: 'get_webhooks',
      tag: TAG,
      summary: 'List the account’s webhooks',
      extension: true,
      params: {},
      async handle({ auth }) {
        const webhooks = await ctx.webhooks.list(auth.account.id);
        return { status: true, webhooks: webhooks.map(presentWebhook) };
      },
    }),
    defineEndpoint({
      name: 'delete_webhook',
      tag: TAG,
      summary: 'Remove a webhook; deliveries not yet made are dropped',
      extension: true,
      params: { id: { description: 'The webhook’s id' } },
      async handle({ params, auth }) {
        await ctx.webhooks.delete(auth.account.id, params.id);
        return { status: true };
      },
    }),
  ];
}
