/**
 * HTTP digest authentication as SIP uses it (RFC 3261 §22, RFC 2617, RFC 8760 for SHA-256):
 * the trunk answers our INVITE with 401 (WWW-Authenticate) or 407 (Proxy-Authenticate); we send the
 * INVITE again with an Authorization (or Proxy-Authorization) computed here. Only `qop=auth` or no
 * qop: `auth-int` (hashing the body) is rarely offered by trunks and we decline it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SipAuthHeader } from './sip-lib.js';

export interface DigestCredentials {
  readonly user: string;
  readonly password: string;
}

/** A challenge, unquoted; `header` names where the answer goes. */
export interface DigestChallenge {
  readonly header: 'authorization' | 'proxy-authorization';
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly algorithm: string;
  /** 'auth' when the server offered it; undefined for RFC 2069 style (no qop). */
  readonly qop: 'auth' | undefined;
  /** The server says our nonce aged, not that our password is wrong: answering again is right. */
  readonly stale: boolean;
}

const ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'MD5-SESS': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
};

function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

/**
 * The challenge of a 401/407 we can answer, preferring SHA-256 when several are offered (RFC 8760
 * §2.4: a server lists them in its order of preference; any one we support will do). Undefined
 * when none is a Digest challenge with an algorithm and qop we support.
 */
export function readChallenge(
  status: number,
  headers: readonly SipAuthHeader[] | undefined,
): DigestChallenge | undefined {
  const header = status === 407 ? 'proxy-authorization' : 'authorization';
  const usable: DigestChallenge[] = [];
  for (const raw of headers ?? []) {
    if ((raw.scheme ?? '').toLowerCase() !== 'digest') continue;
    const algorithm = (unquote(raw.algorithm) ?? 'MD5').toUpperCase();
    const qops = (unquote(raw.qop) ?? '').split(',').map((q) => q.trim().toLowerCase());
    if (ALGORITHMS[algorithm] === undefined) continue;
    if (raw.qop !== undefined && !qops.includes('auth')) continue;
    const realm = unquote(raw.realm);
    const nonce = unquote(raw.nonce);
    if (realm === undefined || nonce === undefined) continue;
    usable.push({
      header,
      realm,
      nonce,
      opaque: unquote(raw.opaque),
      algorithm,
      qop: raw.qop === undefined ? undefined : 'auth',
      stale: (unquote(raw.stale) ?? '').toLowerCase() === 'true',
    });
  }
  return usable.find((c) => c.algorithm.startsWith('SHA-256')) ?? usable[0];
}

/** The Authorization header's fields (quoted as on the wire) answering `challenge` for one request. */
export function answerChallenge(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  method: string,
  uri: string,
  nonceCount: number,
  cnonce: string = randomBytes(8).toString('hex'),
): SipAuthHeader {
  const hashName = ALGORITHMS[challenge.algorithm] ?? 'md5';
  const hash = (text: string): string => createHash(hashName).update(text, 'utf8').digest('hex');
  let ha1 = hash(`${credentials.user}:${challenge.realm}:${credentials.password}`);
  if (challenge.algorithm.endsWith('-SESS')) ha1 = hash(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = hash(`${method}:${uri}`);
  const nc = nonceCount.toString(16).padStart(8, '0');
  const response =
    challenge.qop === 'auth'
      ? hash(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`)
      : hash(`${ha1}:${challenge.nonce}:${ha2}`);
  const quote = (value: string): string => `"${value.replace(/(["\\])/g, '\\$1')}"`;
  return {
    scheme: 'Digest',
    username: quote(credentials.user),
    realm: quote(challenge.realm),
    nonce: quote(challenge.nonce),
    uri: quote(uri),
    response: quote(response),
    algorithm: challenge.algorithm,
    ...(challenge.opaque === undefined ? {} : { opaque: quote(challenge.opaque) }),
    ...(challenge.qop === 'auth' ? { qop: 'auth', nc, cnonce: quote(cnonce) } : {}),
  };
}
