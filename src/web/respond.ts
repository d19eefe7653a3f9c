import type { FastifyReply } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { LimitCheck } from '../http/rate-limits.js';
import type { SignInAttempt } from '../domain/accounts/rate-limits.js';
import { serializeCookie } from './cookies.js';
import type { SafeHtml } from './html.js';
import type { Layout } from './layout.js';
import type { WebState } from './web-state.js';

/** How pages answer (HTML with the security headers, 303 redirects, cookies) and what they are given. */
export const SESSION_COOKIE = 'vm_session';
export const LANGUAGE_COOKIE = 'vm_lang';
/** Montréal's: the zone of anyone not signed in, and of new users until they choose theirs. */
export const DEFAULT_TIME_ZONE = 'America/Toronto';

/** What every page module is given: the services, the layout, and how to answer. */
export interface WebDeps {
  readonly ctx: AppContext;
  readonly layout: Layout;
  readonly limits: WebLimits;
}

/** The rate limits the pages apply, on the API's shared counters (http/rate-limits.ts). */
export interface WebLimits {
  readonly signIn: LimitCheck<SignInAttempt>;
}

// Pages are never cached and never framed; scripts and styles only from this origin. The headers of
// every answer (nosniff, X-Frame-Options, Referrer-Policy, HSTS) are http/security-headers.ts's.
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; " +
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
};

export function sendHtml(reply: FastifyReply, body: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(body.value);
}

/** Redirect after a POST (303, so the browser follows with a GET). */
export function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('cache-control', 'no-store').redirect(location, 303);
}

export function setCookie(
  reply: FastifyReply,
  web: WebState,
  name: string,
  value: string,
  maxAge?: number,
): void {
  const cookie = serializeCookie(name, value, { httpOnly: true, secure: web.secure, maxAge });
  const previous = reply.getHeader('set-cookie');
  const list = Array.isArray(previous) ? previous : typeof previous === 'string' ? [previous] : [];
  reply.header('set-cookie', [...list, cookie]);
}
