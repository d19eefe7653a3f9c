import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { TEST_STORE } from '../helpers/database.js';
import { waitFor } from '../helpers/messages.js';

/** `vudumobile serve` in its own process, as an operator runs it; killed the way a machine dies. */
interface Served {
  child: ChildProcess;
  url: string;
  key: string;
}

async function serve(dir: string, env: Record<string, string>, key = ''): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/program.ts', 'serve', '--port', '0'], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'vudumobile.db')}`,
      DEFAULT_SENDER: '15149541234',
      DATA_DIR: dir,
      LOG_LEVEL: 'info',
      SANDBOX_SMS_LOG: join(dir, 'carrier.jsonl'),
      SANDBOX_SMS_RECEIPT_DELAY_MS: '0',
      DISPATCH_LEASE_MS: '1500',
      DISPATCH_BATCH_SIZE: '20',
      DISPATCH_CONCURRENCY: '4',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url = '';
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    lines.on('line', (line) => {
      key ||= /VUDUMOBILE-API-KEY: (\w+)/.exec(line)?.[1] ?? '';
      if (line.includes('"VuduMobile API listening"'))
        url = (JSON.parse(line) as { address: string }).address;
      if (url && key) resolve();
    });
  });
  return { child, url, key };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', r));
}

async function send(served: Served, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${served.url}/api/send`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': served.key, 'content-type': 'application/x-www-form-urlencoded' },
      body: `to=1514555${2000 + i}&message=Message+${i}`,
    });
    assert.equal(response.status, 200);
    ids.push(((await response.json()) as { msg_id: number }).msg_id);
  }
  return ids;
}

/** What the sandbox carrier accepted, from its log (which survives the process): message ids in order. */
function carrierLog(dir: string): number[] {
  const file = join(dir, 'carrier.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { messageId: number }).messageId);
}

function statuses(dir: string): Map<number, string> {
  const db = new SqliteDatabase(join(dir, 'vudumobile.db'), { readonly: true });
  try {
    const rows = db.prepare("select id, status from messages where direction = 'mt'").all() as {
      id: number;
      status: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.status]));
  } finally {
    db.close();
  }
}

// The processes run on a SQLite file the test reads between them; the PostgreSQL pass has its own
// multi-process claims (FOR UPDATE SKIP LOCKED) covered by the dispatcher suites.
describe('the dispatcher survives its process', { skip: TEST_STORE !== 'sqlite' && 'SQLite file' }, () => {
  let dir: string;
  /** Printed by the first start only; later starts of the same database reuse it. */
  let key = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-kill-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('loses nothing when killed mid-batch: after a restart every message is sent, only in-flight ones twice', async () => {
    // A slow carrier: 150 ms a submit, four at a time.
    const first = await serve(dir, { SANDBOX_SMS_SUBMIT_DELAY_MS: '150' });
    key = first.key;
    const ids = await send(first, 60);
    await waitFor('a few submitted', () => carrierLog(dir).length >= 8);
    first.child.kill('SIGKILL');
    await exited(first.child);

    // Every answered send is in the file; the claim in flight is still marked with its lease.
    const atKill = statuses(dir);
    for (const id of ids) assert.ok(atKill.has(id), `message ${id} answered 200 is stored`);
    const inFlight = ids.filter((id) => atKill.get(id) === 'sending');
    assert.ok(inFlight.length > 0, 'killed with a claim in flight');
    assert.ok(
      ids.some((id) => atKill.get(id) === 'queued'),
      'killed before the end',
    );

    const second = await serve(dir, { SANDBOX_SMS_SUBMIT_DELAY_MS: '0' }, first.key);
    try {
      await waitFor(
        'every message sent after the restart',
        () => {
          const now = statuses(dir);
          return ids.every((id) => now.get(id) === 'sent' || now.get(id) === 'delivered');
        },
        20_000,
      );
    } finally {
      second.child.kill('SIGTERM');
      assert.equal(await exited(second.child), 0);
    }
    const handed = carrierLog(dir);
    for (const id of ids) assert.ok(handed.includes(id), `message ${id} reached the carrier`);
    const twice = [...new Set(handed.filter((id, i) => handed.indexOf(id) !== i))];
    for (const id of twice)
      assert.ok(inFlight.includes(id), `message ${id} sent twice was in flight at the kill`);
    assert.equal(handed.length, ids.length + twice.length);
  });

  it('stops cleanly on SIGTERM: in-flight submits finish and are recorded, the rest waits in the queue', async () => {
    const served = await serve(
      dir,
      { SANDBOX_SMS_SUBMIT_DELAY_MS: '150', SANDBOX_SMS_LOG: join(dir, 'term.jsonl') },
      key,
    );
    const before = new Set(statuses(dir).keys());
    const ids = await send(served, 30);
    assert.ok(ids.every((id) => !before.has(id)));
    await waitFor('a few submitted', () => existsSync(join(dir, 'term.jsonl')));
    served.child.kill('SIGTERM');
    assert.equal(await exited(served.child), 0);
    const handed = readFileSync(join(dir, 'term.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { messageId: number }).messageId);
    const now = statuses(dir);
    for (const id of ids) {
      if (handed.includes(id))
        assert.ok(['sent', 'delivered'].includes(now.get(id) ?? ''), `message ${id} recorded`);
      else assert.equal(now.get(id), 'queued', `message ${id} handed back`);
    }
    assert.ok(ids.some((id) => now.get(id) === 'queued'));
  });
});
