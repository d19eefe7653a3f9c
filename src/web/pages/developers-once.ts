import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseCookies } from '../cookies.js';
import type { SafeHtml } from '../html.js';
import { setCookie } from '../respond.js';
import type { WebState } from '../web-state.js';

/**
 * A new API key or webhook secret is shown once, on the Developers page the creation redirects to: it
 * travels there in a short-lived HttpOnly cookie that the page clears as it reads it, so a reload (or
 * the back button) never shows it again and the POST is never resubmitted. The server keeps only the
 * key's hash. Any process can show it (nothing held in memory between the POST and the GET).
 */
export const ONCE_COOKIE = 'vm_once';
const ONCE_SECONDS = 300;

export interface ShownOnce {
  readonly kind: 'key' | 'webhook';
  readonly id: number;
  readonly secret: string;
}

export function showOnce(reply: FastifyReply, web: WebState, once: ShownOnce): void {
  setCookie(reply, web, ONCE_COOKIE, Buffer.from(JSON.stringify(once)).toString('base64url'), ONCE_SECONDS);
}

export function takeOnce(request: FastifyRequest, reply: FastifyReply, web: WebState): ShownOnce | undefined {
  const raw = parseCookies(request.headers.cookie).get(ONCE_COOKIE);
  if (raw === undefined) return undefined;
  setCookie(reply, web, ONCE_COOKIE, '', 0);
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { kind, id, secret } = value as Record<string, unknown>;
    if ((kind !== 'key' && kind !== 'webhook') || typeof id !== 'number' || typeof secret !== 'string')
      return undefined;
    return { kind, id, secret };
  } catch {
    return undefined;
  }
}

/** A form of the main page sent back with its error and the user's input. */
export interface KeyFormState {
  readonly name: string;
  readonly allowList: string;
  readonly nameError?: string;
  readonly allowListError?: string;
}

export interface HookFormState {
  readonly url: string;
  readonly events: readonly string[];
  readonly error?: string;
}

export interface DevelopersPageOptions {
  readonly status?: number;
  readonly keyForm?: KeyFormState;
  readonly hookForm?: HookFormState;
  readonly notice?: SafeHtml;
}

/** What the main page and the pages beside it share. */
export interface DevelopersView {
  /** Renders /developers (after a redirect, or again with a form's error and input). */
  render(
    request: FastifyRequest,
    reply: FastifyReply,
    options?: DevelopersPageOptions,
  ): Promise<FastifyReply>;
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}
