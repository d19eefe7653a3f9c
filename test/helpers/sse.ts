import assert from 'node:assert/strict';
import { get } from 'node:http';

/** What a page's stream tells of an account event (src/web/pages/inbox-events.ts). */
export interface StreamedEvent {
  readonly id: number;
  readonly kind: string;
  readonly number: string;
  readonly status: string;
  readonly messageId: number;
  readonly createdAt: number;
}

/** Reads server-sent events of a stream until `done` says enough (or the time runs out), then hangs up. */
export function readEvents(
  url: string,
  cookie: string,
  done: (events: StreamedEvent[]) => boolean,
  options: { ms?: number; lastEventId?: string; onOpen?: () => void } = {},
): Promise<StreamedEvent[]> {
  const events: StreamedEvent[] = [];
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { headers: { cookie, ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) } },
      (response) => {
        assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
        options.onOpen?.();
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
            buffer = buffer.slice(end + 2);
            if (data) events.push(JSON.parse(data));
          }
          if (done(events)) finish();
        });
      },
    );
    const timer = setTimeout(() => finish(), options.ms ?? 5000);
    const finish = (): void => {
      clearTimeout(timer);
      request.destroy();
      resolve(events);
    };
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
  });
}
