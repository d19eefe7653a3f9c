/** One signed POST of a webhook delivery. */
export interface WebhookPost {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The HTTP edge of webhook deliveries (src/transport/webhooks/http-webhook-poster.ts): the domain
 * decides what to post and what an answer means; this only talks to the network.
 */
export interface WebhookPoster {
  /** Whether the host resolves to a loopback or private address (checked at each delivery: DNS changes). */
  resolvesPrivate(hostname: string): Promise<boolean>;
  /**
   * POSTs without following redirects and resolves with the HTTP status; rejects on a network
   * failure or when no answer came within `timeoutMs`.
   */
  post(request: WebhookPost, timeoutMs: number): Promise<number>;
}
