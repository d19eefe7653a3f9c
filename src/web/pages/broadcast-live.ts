import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ZonedFormatter } from '../../domain/common/timezone.js';
import type { RecipientOutcome } from '../../domain/ports/broadcast-report-store.js';
import { closeOnShutdown, sendCsv, streamPolledProgress } from '../event-stream.js';
import type { WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';
import { failureName } from './broadcast-failures.js';
import { liveCounters, withBroadcast } from './broadcast-views.js';
import { csvLine } from '../../domain/common/csv-cell.js';

/** How often a broadcast's event stream reads its counters (server side, per open page). */
export const BROADCAST_POLL_MS = 500;

/** The live counters as server-sent events, and the per-recipient CSV export. */
export function registerBroadcastLive(app: FastifyInstance, deps: WebDeps): void {
  const service = deps.ctx.broadcasts;
  const streams = closeOnShutdown(app);

  // Like the import progress: the state is the database's (counted from the messages' rows), so the
  // page is right after a reload and in any process; the stream ends when the broadcast does.
  app.get('/broadcasts/:id/events', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const web = webState(request);
      return streamPolledProgress(request, reply, streams, {
        first: await service.summary(accountId, id),
        read: () => service.summary(accountId, id),
        render: (view) => {
          const counters = liveCounters(web, view);
          return { data: counters, finished: counters.finished };
        },
        pollMs: BROADCAST_POLL_MS,
        logContext: { broadcast: id },
      });
    }),
  );

  app.get('/broadcasts/:id/outcomes.csv', async (request, reply) =>
    withBroadcast(deps, request, reply, async (accountId, id) => {
      const web = webState(request);
      const rows = await service.outcomes(accountId, id);
      return sendCsv(reply, `broadcast-${id}-outcomes.csv`, Readable.from(outcomesCsv(web, rows)));
    }),
  );
}

/**
 * One line per SMS of the broadcast, streamed in the store's batches (never the whole broadcast in
 * memory); dates as `YYYY-MM-DD HH:MM:SS` in the reader's time zone; a UTF-8 BOM for Excel.
 */
export async function* outcomesCsv(
  web: WebState,
  rows: AsyncIterable<RecipientOutcome>,
): AsyncGenerator<string> {
  const { t } = web.i18n;
  const zoned = new ZonedFormatter(web.i18n.timeZone);
  yield (
    '\uFEFF' +
    csvLine([
      t('broadcasts.csv.id'),
      t('broadcasts.csv.number'),
      t('broadcasts.csv.name'),
      t('broadcasts.csv.language'),
      t('broadcasts.csv.status'),
      t('broadcasts.csv.detailed'),
      t('broadcasts.csv.statusName'),
      t('broadcasts.csv.parts'),
      t('broadcasts.csv.accepted'),
      t('broadcasts.csv.done'),
    ])
  );
  let batch = '';
  let count = 0;
  for await (const row of rows) {
    const failed = row.status === 'failed';
    const name = failed
      ? failureName(web, { detailedStatus: row.detailedStatus, error: row.error, count: 1 }).name
      : '';
    batch += csvLine([
      String(row.messageId),
      row.toNumber,
      row.contactName,
      row.language,
      row.status,
      row.detailedStatus ?? '',
      name,
      String(row.partCount),
      zoned.format(row.createdAt),
      row.doneAt === null ? '' : zoned.format(row.doneAt),
    ]);
    if (++count % 500 === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}
