import type { FeedMessage } from '../../src/http/presenters/messages.js';
/**
 * End-to-end SMPP tests: the real platform (startTestServer) whose SMPP_URL points at in-process SMSC
 * simulators on free loopback ports, driven over real HTTP.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { startSmscSim, type SmscSim, type SmscSimOptions } from '../../src/transport/smsc-sim/smsc-sim.js';
import { waitFor } from './messages.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';
import { smppUrl } from './smpp.js';

/** One simulator and the query string of its connector in SMPP_URL. */
export interface SimSpec {
  readonly sim?: SmscSimOptions;
  readonly query?: string;
}

export interface SmppPlatform {
  readonly server: TestServer;
  readonly sims: SmscSim[];
  /** The platform's log lines (JSON objects), for the assertions that something was logged. */
  readonly logLines: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the simulators, then the platform with SMPP_URL naming each of them, and waits for the binds. */
export async function startSmppPlatform(
  specs: readonly SimSpec[],
  options: TestServerOptions = {},
): Promise<SmppPlatform> {
  const sims: SmscSim[] = [];
  for (const spec of specs) sims.push(await startSmscSim({ receiptDelayMs: 0, ...spec.sim }));
  const logLines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  const url = sims.map((sim, i) => smppUrl(sim.port, specs[i]?.query ?? '')).join(',');
  const server = await startTestServer({
    log: pino({ level: 'info' }, sink),
    ...options,
    env: { SMPP_URL: url, ...options.env },
  });
  await waitFor('every connector bound', () =>
    server.platform.ctx.sms.status().every((connector) => connector.state === 'bound'),
  );
  return {
    server,
    sims,
    logLines,
    async close() {
      await server.close();
      for (const sim of sims) await sim.close();
    },
  };
}

/** One message of get_feed's answer, as the API presents it. */
export type FeedEntry = FeedMessage;

/** get_feed over HTTP for every message of the account (both directions), keyed by msg_id. */
export async function feedById(server: TestServer, key?: string): Promise<Map<number, FeedEntry>> {
  const { status, body } = await server.call(
    'get_feed',
    { date_start: '2000-01-01 00:00:00', direction: 'all' },
    key === undefined ? {} : { key },
  );
  if (status !== 200) throw new Error(`get_feed answered ${status}: ${JSON.stringify(body)}`);
  return new Map((body as FeedEntry[]).map((entry) => [entry.msg_id, entry]));
}

/** `send` over HTTP; returns msg_id (fails the test on anything but a 200). */
export async function sendSms(server: TestServer, to: string, message: string): Promise<number> {
  const { status, body } = await server.call('send', { to, message });
  if (status !== 200) throw new Error(`send answered ${status}: ${JSON.stringify(body)}`);
  return body.msg_id as number;
}

const FINAL = /^(delivered|failed|[A-Z]{7}_\d{3})$/;

/** Waits until get_feed shows every one of `ids` with a receipt's status (long on a loaded machine). */
export async function waitForFinal(
  server: TestServer,
  ids: readonly number[],
  timeoutMs = 30_000,
): Promise<Map<number, FeedEntry>> {
  let pending: string[] = [];
  try {
    return await waitFor(
      `a final status for ${ids.length} messages in get_feed`,
      async () => {
        const feed = await feedById(server);
        pending = ids.flatMap((id) => {
          const status = feed.get(id)?.status_mt ?? 'missing';
          return FINAL.test(status) ? [] : [`${id}: ${status}`];
        });
        return pending.length === 0 ? feed : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; still pending: ${pending.slice(0, 10).join(', ')}`, {
      cause: error,
    });
  }
}
