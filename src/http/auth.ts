import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { hashApiKey, hashesEqual } from '../domain/api-keys.js';
import { ApiError } from '../domain/errors.js';
import { IpAllowList, plainIp } from '../domain/ip-allow-list.js';
import { findAccount, type AccountRow } from '../store/accounts-repo.js';
import { findApiKeyByHash, parseAllowedIps } from '../store/keys-repo.js';

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

/**
 * Contract §2: header key (401 when missing or unknown), then the key's IP allow-list (403 with
 * the masked key). The client IP is the socket's peer unless a trusted proxy forwarded it.
 */
export async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<AuthContext> {
  const header = request.headers[KEY_HEADER];
  const key = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!key) throw new ApiError(401, 'API Key parameter is missing');
  const keyHash = hashApiKey(key);
  const row = await findApiKeyByHash(ctx.store.db, keyHash);
  if (!row || row.revoked_at !== null || !hashesEqual(row.key_hash, keyHash)) {
    throw new ApiError(401, 'Invalid API key');
  }
  const ip = plainIp(request.ip);
  if (!new IpAllowList(parseAllowedIps(row.allowed_ips)).allows(ip)) {
    throw new ApiError(403, `The API is not accessible from your IP (${ip}) using API key ${row.masked}`);
  }
  const account = await findAccount(ctx.store.db, row.account_id);
  if (!account) throw new ApiError(401, 'Invalid API key');
  return { account, keyId: row.id };
}
