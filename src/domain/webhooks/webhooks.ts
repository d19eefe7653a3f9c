import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { webhookEventsInvalid, webhookUrlInvalid, webhookUrlPrivate, webhookUrlRequired } from '../errors.js';

/**
 * Webhooks (contract §8): an account registers URLs that receive, as signed JSON POSTs, its inbound
 * messages (`mo`) and the status changes of its outbound ones (`status`), so clients need not poll
 * get_feed. Each POST carries `X-VuduMobile-Signature: sha256=<hex>`, the HMAC-SHA256 with the
 * webhook's secret of `<X-VuduMobile-Timestamp>.<body>` — the timestamp inside the signed text lets a
 * receiver refuse replays, as Stripe and Slack do.
 */
/**
 * `keyword` (issue #15): an inbound message that matched a keyword whose `webhook` flag is on —
 * get_feed's `mo` object plus the keyword (keyword-inbound.ts). A separate event, so a receiver of
 * `mo` keeps getting exactly get_feed's object, and sees the keyword message there too.
 */
export const WEBHOOK_EVENTS = ['mo', 'status', 'keyword'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const MAX_WEBHOOKS_PER_ACCOUNT = 10;

export interface WebhookRequest {
  readonly url: string;
  readonly events: readonly WebhookEvent[];
}

/** post_webhook's parameters: `url` (http/https), `events` (`mo`, `status`, `keyword`, `all`; comma-separated). */
export function parseWebhookRequest(
  params: { url?: string; events?: string },
  allowPrivate: boolean,
): WebhookRequest {
  const raw = params.url?.trim() ?? '';
  if (raw === '') throw webhookUrlRequired();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw webhookUrlInvalid();
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
    throw webhookUrlInvalid();
  if (!allowPrivate && isPrivateHost(url.hostname)) throw webhookUrlPrivate();
  return { url: url.toString(), events: parseEvents(params.events) };
}

function parseEvents(raw: string | undefined): WebhookEvent[] {
  const words = (raw ?? 'all')
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '');
  if (words.length === 0 || words.includes('all')) return [...WEBHOOK_EVENTS];
  const events = new Set<WebhookEvent>();
  for (const word of words) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(word)) throw webhookEventsInvalid();
    events.add(word as WebhookEvent);
  }
  return WEBHOOK_EVENTS.filter((e) => events.has(e));
}

/**
 * A host that names this machine or a private network: a webhook there would let an API client make
 * the platform call its internal services (SSRF). Names are checked again, resolved, at delivery.
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  return isIP(host) !== 0 && isPrivateAddress(host);
}

export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = address.toLowerCase();
  // IPv4-mapped, dotted (::ffff:127.0.0.1) or as the URL parser writes it (::ffff:7f00:1).
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (dotted?.[1]) return isPrivateAddress(dotted[1]);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff');
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** The value of X-VuduMobile-Signature for a body posted at `timestamp` (seconds since the epoch). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
