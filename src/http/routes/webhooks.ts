import type { AppContext } from '../../app-context.js';
import { formatUtc } from '../../domain/common/dates.js';
import { tooManyWebhooks, webhookIdRequired, webhookNotFound } from '../../domain/errors.js';
import {
  MAX_WEBHOOKS_PER_ACCOUNT,
  newWebhookSecret,
  parseWebhookRequest,
  type WebhookEvent,
} from '../../domain/webhooks/webhooks.js';
import {
  deleteWebhook,
  insertWebhook,
  listWebhooks,
  type Webhook,
} from '../../store/webhooks/webhooks-repo.js';
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
        events: { description: 'mo, status or all (default), comma-separated' },
      },
      async handle({ params, auth }) {
        const request = parseWebhookRequest(params, ctx.config.webhookAllowPrivate);
        const secret = newWebhookSecret();
        const outcome = await insertWebhook(ctx.store.db, auth.account.id, { ...request, secret }, ctx.now());
        if (outcome.kind === 'too_many') throw tooManyWebhooks(MAX_WEBHOOKS_PER_ACCOUNT);
        const { webhook } = outcome;
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
        const webhooks = await listWebhooks(ctx.store.db, auth.account.id);
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
        const raw = params.id?.trim() ?? '';
        if (raw === '') throw webhookIdRequired();
        const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
        if (!(await deleteWebhook(ctx.store.db, auth.account.id, id))) throw webhookNotFound();
        return { status: true };
      },
    }),
  ];
}
