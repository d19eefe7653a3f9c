import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database.js';
import { bulkInsertContacts } from '../helpers/address-book.js';
import { waitFor } from '../helpers/broadcasts.js';

const CONTACTS = 20_000;

interface Server {
  child: ChildProcess;
  url: string;
  /** The API key printed on the first start only. */
  key: string | undefined;
}

/** `vudumobile serve` as a real child process on a free port. */
async function spawnServer(dir: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'vudumobile.db')}`,
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // Small batches: 200 commits, so the kill lands in the middle of the fan-out.
      BROADCAST_FANOUT_BATCH: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let key: string | undefined;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    lines.on('line', (line) => {
      key ??= /VUDUMOBILE-API-KEY: (\S+)/.exec(line)?.[1];
      if (line.includes('"VuduMobile API listening"')) {
        const address = (JSON.parse(line) as { address: string }).address;
        // The first-run text (with the key) is written after this line: give it a moment.
        setTimeout(() => resolve(address), 100);
      }
    });
  });
  return { child, url, key };
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function call(server: Server, key: string, endpoint: string, params: Record<string, string>) {
  const response = await fetch(`${server.url}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'VUDUMOBILE-API-KEY': key },
    body: new URLSearchParams(params).toString(),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- exact JSON compared below
  return (await response.json()) as any;
}

describe('broadcast fan-out survives a kill', () => {
  let dir: string;
  let store: Store | undefined;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-restart-'));
  });
  after(async () => {
    for (const child of children) await kill(child, 'SIGKILL');
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`ends with exactly ${CONTACTS} queued messages, one per contact, after SIGKILL mid-fan-out`, async (t) => {
    const first = await spawnServer(dir);
    children.push(first.child);
    const key = first.key;
    assert.ok(key, 'the first start prints the API key');

    store = openStore(`sqlite:${join(dir, 'vudumobile.db')}`);
    const db = store.db;
    const account = await db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
    await bulkInsertContacts(db, account.id, CONTACTS);

    const added = await call(first, key, 'post_broadcast', {
      name: 'Big',
      from_groups: 'Tous',
      fr_message: 'Bonjour _NAME_',
      en_message: 'Hello _NAME_',
    });
    const id = String(added.broadcast.id);
    assert.deepEqual(await call(first, key, 'start_broadcast', { broadcast: id }), { status: true });

    const queued = async (): Promise<number> => {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('broadcast_id', '=', Number(id))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    await waitFor('the fan-out to be under way', async () => (await queued()) >= 1000, 30_000);
    await kill(first.child, 'SIGKILL');
    const atKill = await queued();
    t.diagnostic(`${atKill} messages were queued when the server was killed`);
    assert.ok(atKill > 0 && atKill < CONTACTS, `killed mid-fan-out (${atKill} queued)`);

    const second = await spawnServer(dir);
    children.push(second.child);
    await waitFor(
      'the fan-out to finish after the restart',
      async () => {
        const row = await db
          .selectFrom('broadcasts')
          .select('fanout_done')
          .where('id', '=', Number(id))
          .executeTakeFirstOrThrow();
        return row.fanout_done === 1;
      },
      60_000,
    );

    assert.equal(await queued(), CONTACTS);
    const distinct = await sql<{ n: number }>`
      select count(distinct contact_id) as n from messages where broadcast_id = ${Number(id)}
    `.execute(db);
    assert.equal(Number(distinct.rows[0]?.n), CONTACTS, 'one message per contact');
    const missed = await sql<{ n: number }>`
      select count(*) as n from contacts c
      where c.account_id = ${account.id}
        and not exists (select 1 from messages m where m.broadcast_id = ${Number(id)} and m.contact_id = c.id)
    `.execute(db);
    assert.equal(Number(missed.rows[0]?.n), 0, 'no contact skipped');
    const statuses = await db
      .selectFrom('messages')
      .select(['status', 'priority'])
      .where('broadcast_id', '=', Number(id))
      .groupBy(['status', 'priority'])
      .execute();
    assert.deepEqual(statuses, [{ status: 'queued', priority: 1 }]);

    const detail = await call(second, key, 'get_broadcast', { broadcast: id });
    assert.equal(detail.broadcast.number_total, String(CONTACTS));
    assert.equal(detail.broadcast.broadcast_status, 'in_progress');
    assert.equal(detail.list.length, CONTACTS);
    await kill(second.child, 'SIGTERM');
  });
});
