import type { FastifyRequest } from 'fastify';
import type { WebSession } from '../domain/users/users.js';
import type { Translator } from './i18n/translator.js';

/** Who may open a page: anyone, any signed-in user of the account, or its admins only. */
export type Access = 'public' | 'member' | 'admin';

/** What the web layer knows of one request once its cookies are read. */
export interface WebState {
  readonly session: WebSession | undefined;
  /** The session cookie's token (only to sign out); never rendered. */
  readonly sessionToken: string | undefined;
  /** The token every form and script request of this page sends back (CSRF). */
  readonly csrf: string;
  readonly i18n: Translator;
  /** Served over HTTPS (directly or behind a trusted proxy): cookies get `Secure`. */
  readonly secure: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    web: WebState | undefined;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** The request's web state; set by the web app's onRequest hook for every page route. */
export function webState(request: FastifyRequest): WebState {
  if (!request.web) throw new Error('web state read outside a web route');
  return request.web;
}

/** The signed-in session of a page whose access is member or admin (the guard ran before). */
export function signedIn(request: FastifyRequest): WebSession {
  const session = webState(request).session;
  if (!session) throw new Error('signed-in page reached without a session');
  return session;
}
