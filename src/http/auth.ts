import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { hashApiKey, hashesEqual } from '../domain/accounts/api-keys.js';
import { apiKeyMissing, invalidApiKey, ipNotAllowed } from '../domain/errors.js';
import { IpAllowList, plainIp } from '../domain/accounts/ip-allow-list.js';
import { findAccount, type AccountRow } from '../store/accounts/accounts-repo.js';
import { findApiKeyByHash, parseAllowedIps } from '../store/accounts/keys-repo.js';

/** Who is calling: the key's account. Every query of a request is scoped by `account.id`. */
export interface AuthContext {
  readonly account: AccountRow;
  readonly keyId: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

export const KEY_HEADER = 'vudumobile-api-key';

interface CachedKey {
  readonly keyId: number;
  readonly masked: string;
  readonly allowList: IpAllowList;
  readonly account: AccountRow;
  readonly expires: number;
}

/** How long a verified key is trusted without reading it again: revocation takes effect within this. */
export const KEY_CACHE_MS = 1000;
const KEY_CACHE_LIMIT = 10_000;

export type Authenticator = (request: FastifyRequest) => Promise<AuthContext>;

/**
 * Contract §2: header key (401 when missing or unknown), then the key's IP allow-list (403 with
 * the masked key). The client IP is the socket's peer unless a trusted proxy forwarded it.
 * A verified key and its account are kept for KEY_CACHE_MS: at thousands of requests a second the
 * two reads per request cost more than the request's own work.
 */
export function createAuthenticator(ctx: AppContext): Authenticator {
  const cache = new Map<string, CachedKey>();

  async function load(keyHash: string): Promise<CachedKey> {
    const row = await findApiKeyByHash(ctx.store.db, keyHash);
    if (!row || row.revoked_at !== null || !hashesEqual(row.key_hash, keyHash)) {
      throw invalidApiKey();
    }
    const account = await findAccount(ctx.store.db, row.account_id);
    if (!account) throw invalidApiKey();
    const entry: CachedKey = {
      keyId: row.id,
      masked: row.masked,
      allowList: new IpAllowList(parseAllowedIps(row.allowed_ips)),
      account,
      expires: Date.now() + KEY_CACHE_MS,
    };
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    cache.set(keyHash, entry);
    return entry;
  }

  return async (request) => {
    const header = request.headers[KEY_HEADER];
    const key = (Array.isArray(header) ? header[0] : header)?.trim();
    if (!key) throw apiKeyMissing();
    const keyHash = hashApiKey(key);
    const cached = cache.get(keyHash);
    const entry = cached && cached.expires > Date.now() ? cached : await load(keyHash);
    const ip = plainIp(request.ip);
    if (!entry.allowList.allows(ip)) {
      throw ipNotAllowed(ip, entry.masked);
    }
    return { account: entry.account, keyId: entry.keyId };
  };
}
