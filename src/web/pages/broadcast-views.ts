import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BroadcastView } from '../../domain/broadcasts/broadcast-service.js';
import type { Broadcast } from '../../domain/broadcasts/broadcasts.js';
import { DomainError } from '../../domain/errors.js';
import { wholeNumber } from '../forms.js';
import { escapeHtml, html, raw, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';

/** What the broadcast pages share: the id from the URL, the 404, status names, the live counters. */

/** A pending broadcast with a launch date is shown as scheduled. */
export type ShownStatus = 'draft' | 'scheduled' | 'in_progress' | 'completed' | 'failed';

export function shownStatus(broadcast: Broadcast): ShownStatus {
  if (broadcast.status === 'pending') return broadcast.launchDate === null ? 'draft' : 'scheduled';
  return broadcast.status;
}

const STATUS_KEYS: Readonly<Record<ShownStatus, MessageKey>> = {
  draft: 'broadcasts.status.draft',
  scheduled: 'broadcasts.status.scheduled',
  in_progress: 'broadcasts.status.in_progress',
  completed: 'broadcasts.status.completed',
  failed: 'broadcasts.status.failed',
};

export function statusText(web: WebState, broadcast: Broadcast): string {
  return web.i18n.t(STATUS_KEYS[shownStatus(broadcast)]);
}

export function statusTag(web: WebState, broadcast: Broadcast): SafeHtml {
  const status = shownStatus(broadcast);
  return html`<span class="tag status-${status}" data-status="${status}"
    >${statusText(web, broadcast)}</span
  >`;
}

/** The live part of a broadcast's page, rendered in the reader's language (sent as server events). */
export interface LiveCounters {
  readonly status: ShownStatus;
  readonly statusText: string;
  readonly total: number;
  readonly done: number;
  readonly percent: number;
  readonly progressText: string;
  readonly sent: string;
  readonly delivered: string;
  readonly failed: string;
  /** Not final yet: queued, or sent and awaiting its receipt. */
  readonly waiting: string;
  readonly finished: boolean;
}

export function liveCounters(web: WebState, view: BroadcastView): LiveCounters {
  const { t, number } = web.i18n;
  const { broadcast, counters } = view;
  const total = broadcast.smsTotal;
  const done = counters.delivered + counters.failed;
  const finished = broadcast.status === 'completed' || broadcast.status === 'failed';
  const percent = total > 0 ? Math.floor((done * 100) / total) : finished ? 100 : 0;
  return {
    status: shownStatus(broadcast),
    statusText: statusText(web, broadcast),
    total,
    done,
    percent,
    progressText: t('broadcasts.progress', { done, total, percent }),
    sent: number(counters.sent),
    delivered: number(counters.delivered),
    failed: number(counters.failed),
    waiting: number(Math.max(total - done, 0)),
    finished,
  };
}

/** The broadcast id of the URL, or undefined (answered 404). */
export function broadcastIdOf(request: FastifyRequest): string | undefined {
  const id = wholeNumber((request.params as { id?: string }).id);
  return id === undefined ? undefined : String(id);
}

export function notFound(deps: WebDeps, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const web = webState(request);
  const { t } = web.i18n;
  return sendHtml(reply, deps.layout.message(web, t('error.title'), t('error.notFound')), 404);
}

const NOT_FOUND = new Set(['broadcast_not_found', 'group_not_found']);

/** Runs `load` for the signed-in account; another account's broadcast (or none) answers the 404 page. */
export async function withBroadcast<T>(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  load: (accountId: number, broadcastId: string) => Promise<T>,
): Promise<T | FastifyReply> {
  const id = broadcastIdOf(request);
  if (id === undefined) return notFound(deps, request, reply);
  try {
    return await load(signedIn(request).user.accountId, id);
  } catch (error) {
    if (error instanceof DomainError && NOT_FOUND.has(error.id)) return notFound(deps, request, reply);
    throw error;
  }
}

/** `n partie(s)` in the reader's language. */
export function partsText(web: WebState, n: number): string {
  return web.i18n.t(n === 1 ? 'composer.part' : 'composer.parts', { n });
}

/**
 * An SMS text as it will read: line breaks and spaces kept (`white-space: pre-wrap`), so the markup
 * around the text must add none; hence a plain string, never reformatted.
 */
export function smsBlock(text: string, lang: string, attrs?: SafeHtml): SafeHtml {
  const extra = attrs ? ` ${attrs.value}` : '';
  return raw(`<blockquote class="sms" lang="${escapeHtml(lang)}"${extra}>${escapeHtml(text)}</blockquote>`);
}
