// Broadcast benchmark: a 100,000-contact account, timed from start_broadcast to every message
// queued (the fan-out), over real HTTP on loopback and a real SQLite file.
//
//   npm run bench:broadcast                 # 3 runs of 100,000 contacts
//   npm run bench:broadcast -- --contacts 20000 --runs 5
//
// Each run uses a fresh database. Figures printed: contacts insert time, start_broadcast latency
// (the recipients snapshot), fan-out time (start → all queued), and the median over runs.
//
// Extension point for the dispatcher (messages area): a phase after `fanOut` in `runOnce` —
// "accepted by the sandbox SMS transport" (wait until no message of the broadcast is queued or
// sending) and "concurrent single-send p99" (time `send` calls while the bulk drains). Each phase
// returns seconds and is added to `Run`, the table and the medians below.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bulkInsertContacts } from '../test/helpers/address-book.js';
import { fanOutDone } from '../test/helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
  },
});
const CONTACTS = Number(values.contacts);
const RUNS = Number(values.runs);
if (!Number.isInteger(CONTACTS) || CONTACTS < 1 || CONTACTS > 1_000_000)
  throw new Error('--contacts: 1..1000000');
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 20) throw new Error('--runs: 1..20');

interface Run {
  insertContacts: number;
  startCall: number;
  fanOut: number;
}

const seconds = (since: number): number => (performance.now() - since) / 1000;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, seconds(t0)];
}

async function runOnce(): Promise<Run> {
  const server: TestServer = await startTestServer();
  try {
    const db = server.platform.ctx.store.db;
    const [, insertContacts] = await timed(() => bulkInsertContacts(db, server.account.id, CONTACTS));
    const added = await server.call('post_broadcast', {
      name: 'Bench',
      from_groups: 'Tous',
      fr_message: 'Bonjour _NAME_, voici nos nouvelles de la semaine.',
      en_message: 'Hello _NAME_, here is this week’s news.',
    });
    const id = added.body.broadcast.id as number;

    const t0 = performance.now();
    const started = await server.call('start_broadcast', { broadcast: String(id) });
    const startCall = seconds(t0);
    if (started.body.status !== true) throw new Error(`start_broadcast: ${JSON.stringify(started.body)}`);
    await fanOutDone(db, id, 600_000);
    const fanOut = seconds(t0);

    const queued = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('broadcast_id', '=', id)
      .where('status', '=', 'queued')
      .executeTakeFirstOrThrow();
    if (Number(queued.n) !== CONTACTS) throw new Error(`expected ${CONTACTS} queued, found ${queued.n}`);
    return { insertContacts, startCall, fanOut };
  } finally {
    await server.close();
  }
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

console.log(
  `broadcast bench: ${CONTACTS} contacts, ${RUNS} run(s), ` +
    (process.env.VUDUMOBILE_TEST_DB ? 'VUDUMOBILE_TEST_DB' : 'a fresh temporary SQLite file per run'),
);
const runs: Run[] = [];
for (let i = 1; i <= RUNS; i++) {
  const run = await runOnce();
  runs.push(run);
  console.log(
    `run ${i}: insert contacts ${run.insertContacts.toFixed(2)} s | start_broadcast ${run.startCall.toFixed(3)} s` +
      ` | start → all ${CONTACTS} queued ${run.fanOut.toFixed(2)} s (${Math.round(CONTACTS / run.fanOut)} msg/s)`,
  );
}
const fanOut = median(runs.map((r) => r.fanOut));
console.log(
  `median: start_broadcast ${median(runs.map((r) => r.startCall)).toFixed(3)} s, ` +
    `fan-out ${fanOut.toFixed(2)} s (${Math.round(CONTACTS / fanOut)} messages queued/s)`,
);
