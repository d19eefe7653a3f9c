import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerTokenRequired } from '../domain/errors.js';

/** HSTS for a year, subdomains included: sent only on an answer that came over HTTPS. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The headers every answer carries, the API's JSON as well as the web pages (which add their own
 * Content-Security-Policy in web/respond.ts): no MIME sniffing, no framing, no referrer leaving the
 * site, and Strict-Transport-Security when the request came over HTTPS (directly, or through a
 * trusted proxy's X-Forwarded-Proto: TRUSTED_PROXIES). A header a route set itself is kept.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'same-origin');
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    return payload;
  });
}

/**
 * The guard of /metrics and /health when METRICS_TOKEN is set: `Authorization: Bearer <token>`,
 * compared in constant time (both sides hashed first, so their lengths say nothing either).
 * Without a token configured the endpoints stay open, as a scraper on a private network expects.
 */
export function operatorTokenGuard(token: string | undefined): (request: FastifyRequest) => Promise<void> {
  if (token === undefined) return async () => {};
  const expected = digest(token);
  return async (request) => {
    const header = request.headers.authorization ?? '';
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
    if (!timingSafeEqual(digest(given), expected)) throw bearerTokenRequired();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
