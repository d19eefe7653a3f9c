/**
 * npm run bench:web-live — live updates of the inbox with 200 pages open (issue #13: "a live update
 * reaches an open page within 1 s of the receipt being stored, with 200 pages open at once").
 *
 * Starts the real platform (createPlatform, role all: the dispatcher and the receipt handler run,
 * on the sandbox carrier, whose receipts come BENCH_RECEIPT_DELAY_MS after each submit), signs a user
 * in, and opens BENCH_PAGES (default 200) event streams on the account's inbox (`/inbox/events`, what
 * the inbox page's script listens to). Then, for BENCH_SECONDS (default 20), it receives
 * BENCH_RATE (default 20) inbound messages a second and sends as many replies (each becomes a `sent`
 * and a `delivered` event when its receipt is stored). For every event and every stream it records
 * the delay from the event's `createdAt` (stamped inside the transaction that stores it, so before
 * its commit: the figure is an upper bound of commit → page) to its arrival on that stream, and
 * prints p50 / p95 / max and whether every stream got every event. Everything runs in this one
 * process (server and the 200 readers share its event loop: a pessimistic set-up).
 *
 *   npm run bench:web-live                  (SQLite in a temporary directory)
 *   npm run bench:web-live -- --pg          (a new database on TEST_DATABASE_URL's server, dropped after)
 */
import { get } from 'node:http';
import { parseSendRequest } from '../src/domain/messages/send-request.js';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { openWebBench, signInNewUser } from './lib/web-bench.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const TARGET_MS = 1000;
const SENDER = '15149541234';

const bench = await openWebBench('web-live', {
  env: { SANDBOX_SMS_RECEIPT_DELAY_MS: process.env.BENCH_RECEIPT_DELAY_MS ?? '200' },
  logLevel: 'error',
});
const { platform } = bench;

interface Stream {
  /** Delay of each event that arrived (ms), by event id. */
  readonly delays: Map<number, number>;
  close(): void;
}

function openStream(url: string, cookie: string): Promise<Stream> {
  const delays = new Map<number, number>();
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { cookie } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const arrived = Date.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (!data) continue;
          const event = JSON.parse(data) as { id: number; createdAt: number };
          if (!delays.has(event.id)) delays.set(event.id, arrived - event.createdAt);
        }
      });
      resolve({ delays, close: () => request.destroy() });
    });
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

try {
  const accountId = await createAccount(
    platform.store.db,
    { name: 'Radio live', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [SENDER] },
    Date.now(),
  );
  const url = await platform.start();
  if (!url) throw new Error('the platform did not listen');
  const cookie = await signInNewUser(platform, url, accountId, {
    email: 'live@example.com',
    name: 'Live',
    role: 'member',
  });

  const streams = await Promise.all(
    Array.from({ length: PAGES }, () => openStream(`${url}/inbox/events`, cookie)),
  );
  console.log(
    `web-live on ${platform.store.dialect}: ${PAGES} inbox streams open; ${RATE} inbound + ${RATE} replies a second for ${SECONDS} s`,
  );

  let inbound = 0;
  let replies = 0;
  const tick = 1000 / RATE;
  const started = Date.now();
  const work: Promise<unknown>[] = [];
  while (Date.now() - started < SECONDS * 1000) {
    const n = inbound++;
    const from = `1514555${String(n % 10_000).padStart(4, '0')}`;
    work.push(
      platform.ctx.inbound.receive({
        from,
        to: SENDER,
        text: `Message ${n}`,
        partCount: 1,
        receivedAt: Date.now(),
      }),
    );
    replies++;
    work.push(
      platform.ctx.messaging.send(accountId, parseSendRequest({ to: from, message: `Réponse ${n}` }, 'CA')),
    );
    await new Promise((resolve) => setTimeout(resolve, tick));
  }
  await Promise.all(work);
  // Let the last receipts come back and their events reach the streams.
  const expected = async () => (await platform.ctx.accountEvents.forAccount(accountId, 0, 1_000_000)).length;
  let total = await expected();
  for (
    let i = 0;
    i < 100 && (total < inbound + 2 * replies || streams.some((s) => s.delays.size < total));
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    total = await expected();
  }
  for (const stream of streams) stream.close();

  const delays = streams.flatMap((s) => [...s.delays.values()]).sort((a, b) => a - b);
  const complete = streams.filter((s) => s.delays.size === total).length;
  const p50 = percentile(delays, 50);
  const p95 = percentile(delays, 95);
  const max = delays[delays.length - 1] ?? 0;
  console.log(
    `events stored: ${total} (${inbound} inbound, ${replies} replies → sent + delivered); deliveries measured: ${delays.length}`,
  );
  console.log(`streams that got every event: ${complete} / ${PAGES}`);
  console.log(
    `store → page (ms): p50 ${p50}  p95 ${p95}  max ${max}  (target < ${TARGET_MS}: ${max < TARGET_MS ? 'yes' : 'NO'})`,
  );
} finally {
  await bench.close();
}
