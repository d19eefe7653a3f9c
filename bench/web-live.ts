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
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig } from '../src/config.js';
import { parseSendRequest } from '../src/domain/messages/send-request.js';
import { createPlatform } from '../src/main.js';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { createPostgresDatabase } from '../test/helpers/database.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const TARGET_MS = 1000;
const SENDER = '15149541234';
const usePg = process.argv.includes('--pg');

const dir = await mkdtemp(join(tmpdir(), 'vudumobile-bench-web-live-'));
let dropDatabase = async () => {};
let databaseUrl = `sqlite:${join(dir, 'live.db')}`;
if (usePg) {
  const admin = process.env.TEST_DATABASE_URL ?? process.env.BENCH_DATABASE_URL;
  if (!admin) throw new Error('--pg needs TEST_DATABASE_URL (postgres://user@host:port/db)');
  const database = await createPostgresDatabase(admin, 'vudumobile_bench_web_live');
  databaseUrl = database.url;
  dropDatabase = database.drop;
}

const config = readConfig(
  {
    DATABASE_URL: databaseUrl,
    SANDBOX_SMS_RECEIPT_DELAY_MS: process.env.BENCH_RECEIPT_DELAY_MS ?? '200',
  },
  { port: 0, host: '127.0.0.1', dataDir: dir, publicUrl: 'http://127.0.0.1' },
);
const platform = await createPlatform(config, { log: pino({ level: 'error' }) });

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
  const { token } = await platform.ctx.users.invite(accountId, {
    email: 'live@example.com',
    name: 'Live',
    role: 'member',
    language: 'fr',
  });
  await platform.ctx.users.setPasswordWithToken(token, 'a bench password of some length');
  const cookie = await signIn(url, 'live@example.com', 'a bench password of some length');

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
  await platform.stop();
  await dropDatabase();
  await rm(dir, { recursive: true, force: true });
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const csrfCookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const answer = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrf, email, password, next: '/inbox' }).toString(),
  });
  const session = answer.headers.getSetCookie().find((c) => c.startsWith('vm_session='));
  if (answer.status !== 303 || !session) throw new Error(`sign-in failed: ${answer.status}`);
  return session.split(';')[0] ?? '';
}
