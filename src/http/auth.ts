import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { Caller, KeyCredential } from '../domain/accounts/accounts-service.js';
import { hashApiKey } from '../domain/accounts/api-keys.js';
import { apiKeyMissing } from '../domain/errors.js';

/** Who is calling: the key's account. Every query of a request is scoped by `account.id`. */
export type AuthContext = Caller;

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

export const KEY_HEADER = 'vudumobile-api-key';

interface CachedCredential {
  readonly credential: KeyCredential;
  readonly expires: number;
}

/** How long a verified key is trusted without reading it again: revocation takes effect within this. */
export const KEY_CACHE_MS = 1000;
const KEY_CACHE_LIMIT = 10_000;

/** Authenticates a request (and may set headers on its reply: the rate limits' in app.ts). */
export type Authenticator = (request: FastifyRequest, reply: FastifyReply) => Promise<AuthContext>;

/**
 * Contract §2: header key (401 when missing), then the accounts service checks the key (401 when
 * unknown) and its IP allow-list (403 with the masked key). The client IP is the socket's peer
 * unless a trusted proxy forwarded it (trustProxy, app.ts).
 * A verified key and its account are kept for KEY_CACHE_MS: at thousands of requests a second the
 * two reads per request cost more than the request's own work. The cache runs on wall time, not the
 * platform's injected clock: it bounds how long a revoked key still works, in real seconds.
 */
export function createAuthenticator(ctx: AppContext): Authenticator {
  const cache = new Map<string, CachedCredential>();

  async function load(keyHash: string): Promise<KeyCredential> {
    const credential = await ctx.accounts.verifyKey(keyHash);
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(keyHash, { credential, expires: Date.now() + KEY_CACHE_MS });
    return credential;
  }

  return async (request) => {
    const header = request.headers[KEY_HEADER];
    const key = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!key) throw apiKeyMissing();
    const keyHash = hashApiKey(key);
    const cached = cache.get(keyHash);
    const credential = cached && cached.expires > Date.now() ? cached.credential : await load(keyHash);
    return ctx.accounts.authorize(credential, request.ip);
  };
}
