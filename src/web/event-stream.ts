import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';

/** A comment line every this often keeps proxies and browsers from dropping a quiet stream. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Takes the reply over as a server-sent event stream: never cached, never buffered by a proxy
 * (`x-accel-buffering`), and a browser that loses it reconnects after 2 s.
 */
export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  out.write('retry: 2000\n\n');
  return out;
}

/**
 * The open streams of one page module, ended when the server closes (or `close` would wait for
 * readers that never leave).
 */
export function closeOnShutdown(app: FastifyInstance): Set<() => void> {
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });
  return streams;
}

export interface PolledProgress<T> {
  readonly first: T;
  /** Reads the state again from the database (a row's counters): any process can serve the page. */
  readonly read: () => Promise<T>;
  /** What the page receives, and whether the stream is over after it. */
  readonly render: (state: T) => { readonly data: unknown; readonly finished: boolean };
  readonly pollMs: number;
  /** Logged with an unexpected failure (what the stream was following). */
  readonly logContext: Readonly<Record<string, unknown>>;
}

/**
 * A progress stream (an import, a broadcast): reads its state every `pollMs`, sends a `progress`
 * event when what the page shows changed, and ends once it is finished. The reader leaving, the
 * server closing, or the thing followed going away (a DomainError: cancelled, deleted) end it
 * quietly.
 */
export async function streamPolledProgress<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  streams: Set<() => void>,
  progress: PolledProgress<T>,
): Promise<FastifyReply> {
  const stop = new AbortController();
  const end = (): void => stop.abort();
  streams.add(end);
  request.raw.on('close', end);
  const out = openEventStream(reply);
  let state = progress.first;
  let sent = '';
  let quietSince = Date.now();
  try {
    for (;;) {
      const { data, finished } = progress.render(state);
      const json = JSON.stringify(data);
      if (json !== sent) {
        out.write(`event: progress\ndata: ${json}\n\n`);
        sent = json;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= KEEP_ALIVE_MS) {
        out.write(': keep-alive\n\n');
        quietSince = Date.now();
      }
      if (finished) break;
      await sleep(progress.pollMs, undefined, { signal: stop.signal });
      state = await progress.read();
    }
  } catch (error) {
    const expected = stop.signal.aborted || error instanceof DomainError;
    if (!expected) request.log.error({ err: error, ...progress.logContext }, 'progress stream failed');
  } finally {
    streams.delete(end);
    out.end();
  }
  return reply;
}

/** A CSV download, streamed: never cached, never sniffed as anything else. */
export function sendCsv(reply: FastifyReply, fileName: string, body: Readable): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}
