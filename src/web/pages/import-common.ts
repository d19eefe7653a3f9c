import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { ImportJob, ImportStatus } from '../../domain/ports/import-store.js';
import { wholeNumber } from '../forms.js';
import type { MessageKey } from '../i18n/messages.js';
import { sendHtml, type WebDeps } from '../respond.js';
import { signedIn, webState, type WebState } from '../web-state.js';

const STATUS_KEYS: Readonly<Record<ImportStatus, MessageKey>> = {
  draft: 'imports.status.draft',
  pending: 'imports.status.pending',
  running: 'imports.status.running',
  completed: 'imports.status.completed',
  failed: 'imports.status.failed',
};

export function statusLabel(web: WebState, job: ImportJob): string {
  return web.i18n.t(STATUS_KEYS[job.status]);
}

export function fileLabel(web: WebState, job: ImportJob): string {
  return job.fileName ?? web.i18n.t('imports.unnamed', { id: job.id });
}

/** The import's id from the URL, or undefined (answered 404). */
export function importIdOf(request: FastifyRequest): number | undefined {
  return wholeNumber((request.params as { id?: string }).id);
}

export function notFound(deps: WebDeps, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const web = webState(request);
  const { t } = web.i18n;
  return sendHtml(reply, deps.layout.message(web, t('error.title'), t('error.notFound')), 404);
}

/** Runs `load` for the signed-in account; another account's id (or none) answers the 404 page. */
export async function withImport<T>(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  load: (accountId: number, importId: number) => Promise<T>,
): Promise<T | FastifyReply> {
  const importId = importIdOf(request);
  if (importId === undefined) return notFound(deps, request, reply);
  try {
    return await load(signedIn(request).user.accountId, importId);
  } catch (error) {
    if (error instanceof DomainError && error.id === 'import_not_found')
      return notFound(deps, request, reply);
    throw error;
  }
}
