import type { FastifyInstance } from 'fastify';
import type { AccountEvent } from '../../domain/messages/account-events.js';
import { KEEP_ALIVE_MS, openEventStream } from '../event-stream.js';
import { wholeNumber } from '../forms.js';
import { EventFeed } from '../live/event-feed.js';
import type { WebDeps } from '../respond.js';
import { signedIn } from '../web-state.js';

/** At most this many missed events are replayed; a page that missed more reloads its list anyway. */
const REPLAY_LIMIT = 1000;

/** What a page is told of an event: enough to decide whether to fetch its list again. */
function eventData(event: AccountEvent): string {
  return JSON.stringify({
    id: event.id,
    kind: event.kind,
    number: event.number,
    messageId: event.messageId,
    status: event.status,
    createdAt: event.createdAt,
  });
}

/**
 * `/inbox/events`: the account's events as server-sent events, for the inbox and conversation pages
 * of any user of the account (never another account's: the feed hands each stream its own account's
 * events only). Each event's SSE id is a point up to which every event was read, so a reconnecting
 * EventSource (Last-Event-ID) is replayed what it missed; the first connection replays from the
 * page's own `since` (the last event before it was rendered).
 */
export function registerInboxEvents(app: FastifyInstance, deps: WebDeps): void {
  const feed = new EventFeed(deps.ctx.accountEvents, deps.ctx.log);
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
    await feed.stop();
  });

  app.get('/inbox/events', async (request, reply) => {
    const accountId = signedIn(request).user.accountId;
    const lastEventId = request.headers['last-event-id'];
    const since =
      wholeNumber(typeof lastEventId === 'string' ? lastEventId : undefined) ??
      wholeNumber((request.query as Record<string, string | undefined>).since) ??
      (await deps.ctx.accountEvents.latestId());
    const out = openEventStream(reply);
    let lastWrite = Date.now();
    const write = (events: readonly AccountEvent[], id: number): void => {
      let chunk = '';
      for (const event of events) chunk += `id: ${id}\nevent: account\ndata: ${eventData(event)}\n\n`;
      out.write(chunk);
      lastWrite = Date.now();
    };
    // Subscribed before the replay: an event in between arrives twice, which pages shrug off
    // (they fetch their list again), rather than not at all.
    const unsubscribe = feed.subscribe(accountId, (events, settled) =>
      write(events, Math.max(settled, since)),
    );
    const keepAlive = setInterval(() => {
      if (Date.now() - lastWrite >= KEEP_ALIVE_MS) {
        out.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    }, KEEP_ALIVE_MS / 3);
    const end = (): void => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(end);
      // Destroyed, not ended: the server is closing, or the reader left.
      out.destroy();
    };
    streams.add(end);
    out.on('close', end);
    try {
      const missed = await deps.ctx.accountEvents.forAccount(accountId, since, REPLAY_LIMIT);
      if (missed.length > 0) write(missed, missed[missed.length - 1]?.id ?? since);
    } catch (error) {
      request.log.error({ err: error }, 'inbox events: replay failed');
    }
    return reply;
  });
}
