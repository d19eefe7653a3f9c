import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Cross-site request forgery. A signed-in page's token is derived from the session token (secret, in an
 * HttpOnly cookie), so it needs no storage and dies with the session. Before sign-in (sign-in, forgotten
 * password, invitation forms) a random token sits in its own HttpOnly cookie and the form repeats it
 * (double submit). Every POST must carry the token in `_csrf` or the `x-csrf-token` header (a script's fetch), and
 * an `Origin` header, when the browser sends one, must be this site.
 */
export const ANONYMOUS_CSRF_COOKIE = 'vm_csrf';

export function sessionCsrfToken(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

export function newAnonymousCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token a request carries: header first (a script's fetch), then the form field. A multipart upload
 * is checked before its body is read (the file comes before any field the check could wait for), so
 * a plain upload form carries its token in its action URL (`?_csrf=`): accepted for multipart bodies
 * only, so no link or url-encoded form can pass a token that way.
 */
function carriedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body;
  if (body instanceof URLSearchParams) return body.get('_csrf') ?? undefined;
  if (isMultipart(request)) {
    const url = request.raw.url ?? '';
    const queryAt = url.indexOf('?');
    if (queryAt === -1) return undefined;
    return new URLSearchParams(url.slice(queryAt + 1)).get('_csrf') ?? undefined;
  }
  return undefined;
}

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\/form-data\s*;/i.test(request.headers['content-type'] ?? '');
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function csrfAccepted(request: FastifyRequest, expected: string): boolean {
  const given = carriedToken(request);
  return given !== undefined && sameOrigin(request) && sameToken(given, expected);
}
