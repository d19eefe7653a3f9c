import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { formatUtc } from '../../src/domain/common/dates.js';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastMessages, fanOutDone, waitFor } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const execFileAsync = promisify(execFile);

describe('broadcast scheduler (launch_date)', () => {
  let server: TestServer;

  before(async () => {
    // No dispatcher: a started broadcast stays in_progress for these assertions (the sandbox would
    // complete a two-contact one about a second after its start).
    server = await startTestServer({ holdOutbound: true });
    const db = server.platform.store.db;
    const a = await makeContact(db, server.account.id, { name: 'A' });
    const b = await makeContact(db, server.account.id, { name: 'B' });
    const blocked = await makeContact(db, server.account.id, { isBlocked: true });
    await makeGroup(db, server.account.id, 'Pair', [a, b]);
    await makeGroup(db, server.account.id, 'Nobody', [blocked]);
  });
  after(() => server.close());

  const db = () => server.platform.store.db;
  const detail = async (id: number) => (await server.call('get_broadcast', { broadcast: String(id) })).body;
  const add = async (params: Record<string, string>): Promise<number> => {
    const response = await server.call('post_broadcast', {
      name: 'Later',
      fr_message: 'Hop _NAME_',
      ...params,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.broadcast.id as number;
  };
  /** A launch_date that passed while no scheduler ran: post_broadcast refuses a past one, so the row is backdated. */
  const addOverdue = async (params: Record<string, string>): Promise<number> => {
    const id = await add({ ...params, launch_date: '2099-01-01 00:00:00' });
    await backdate(db(), id);
    return id;
  };

  it('starts a broadcast by itself at its launch_date', async () => {
    // Whole seconds, at least 1.5 s ahead: it must still be pending when first looked at.
    const launchAt = Math.ceil((Date.now() + 1500) / 1000) * 1000;
    const launchDate = formatUtc(launchAt);
    const id = await add({ from_groups: 'Pair', launch_date: launchDate });
    const pending = await detail(id);
    assert.equal(pending.broadcast.broadcast_status, 'pending');
    assert.equal(pending.broadcast.launch_date, launchDate);
    assert.equal(pending.list, null);

    const started = await waitFor('the scheduled start', async () => {
      const body = await detail(id);
      return body.broadcast.broadcast_status === 'in_progress' ? body : undefined;
    });
    assert.ok(Date.now() >= launchAt, 'not before its time');
    assert.equal(started.broadcast.launch_date, launchDate, 'the scheduled time is kept');
    assert.equal(started.broadcast.number_total, '2');
    await fanOutDone(db(), id);
    assert.deepEqual(
      (await broadcastMessages(db(), id)).map((m) => m.body),
      ['Hop A', 'Hop B'],
    );
  });

  it('starts at once a broadcast whose launch_date has passed (e.g. while the server was down)', async () => {
    const id = await addOverdue({ from_groups: 'Pair' });
    await waitFor('the start', async () => (await detail(id)).broadcast.broadcast_status === 'in_progress');
    assert.equal((await detail(id)).broadcast.launch_date, '2020-01-01 00:00:00');
  });

  it('records a due broadcast with no valid recipient as failed', async () => {
    const id = await addOverdue({ from_groups: 'Nobody' });
    const failed = await waitFor('the failure', async () => {
      const body = await detail(id);
      return body.broadcast.broadcast_status === 'failed' ? body : undefined;
    });
    assert.notEqual(failed.broadcast.end_date, null);
    assert.equal(failed.list, null);
    const restart = await server.call('start_broadcast', { broadcast: String(id) });
    assert.deepEqual(restart.body, { status: false, error: 'broadcast has already been sent or started' });
  });

  it('never starts a deleted scheduled broadcast', async () => {
    const id = await add({ from_groups: 'Pair', launch_date: formatUtc(Date.now() + 1000) });
    await server.call('delete_broadcast', { broadcast: String(id) });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const row = await db()
      .selectFrom('broadcasts')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'pending');
    assert.deepEqual(await broadcastMessages(db(), id), []);
  });

  it('starts a due broadcast once when two processes race for it on one database', async () => {
    const quiet = await startTestServer({ role: 'api' });
    try {
      const qdb = quiet.platform.store.db;
      const members = [];
      for (let i = 0; i < 50; i++) members.push(await makeContact(qdb, quiet.account.id));
      await makeGroup(qdb, quiet.account.id, 'Fifty', members);
      const added = await quiet.call('post_broadcast', {
        name: 'Race',
        from_groups: 'Fifty',
        fr_message: 'x',
        launch_date: '2099-01-01 00:00:00',
      });
      const id = added.body.broadcast.id as number;
      await backdate(qdb, id);
      // Two real processes: better-sqlite3 is synchronous, so two connections of one process
      // cannot wait for each other's lock.
      const { dialect, location } = quiet.platform.store;
      const url = dialect === 'postgres' ? location : `sqlite:${location}`;
      const args = [url, String(quiet.account.id), String(id)];
      const outcomes = await Promise.all([startInChild(args), startInChild(args)]);
      assert.deepEqual(outcomes.sort(), ['not_pending', 'started']);
      const snapshot = await qdb
        .selectFrom('broadcast_recipients')
        .select('contact_id')
        .where('broadcast_id', '=', id)
        .execute();
      assert.equal(snapshot.length, 50);
    } finally {
      await quiet.close();
    }
  });
});

/** Moves a pending broadcast's launch_date to 2020-01-01 00:00:00 UTC, as if the server had been down since. */
async function backdate(db: TestServer['platform']['store']['db'], id: number): Promise<void> {
  await db
    .updateTable('broadcasts')
    .set({ launch_date: Date.UTC(2020, 0, 1) })
    .where('id', '=', id)
    .execute();
}

async function startInChild(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [
    '--import',
    'tsx',
    'test/fixtures/start-broadcast.ts',
    ...args,
  ]);
  return stdout.trim();
}
