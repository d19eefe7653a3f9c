import { lookup } from 'node:dns/promises';
import type { WebhookPost, WebhookPoster } from '../../domain/ports/webhook-poster.js';
import { isPrivateAddress } from '../../domain/webhooks/webhooks.js';

/** Webhook POSTs with Node's fetch; a redirect is an answer (3xx), never followed. */
export class HttpWebhookPoster implements WebhookPoster {
  async resolvesPrivate(hostname: string): Promise<boolean> {
    const host = hostname.replace(/^\[|\]$/g, '');
    const addresses = await lookup(host, { all: true });
    return addresses.some((a) => isPrivateAddress(a.address));
  }

  async post(request: WebhookPost, timeoutMs: number): Promise<number> {
    const response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: request.headers,
      body: request.body,
    });
    await response.body?.cancel();
    return response.status;
  }
}
