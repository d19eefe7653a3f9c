import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/database.js';
import { sendMany } from '../helpers/api-load.js';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { TEST_STORE } from '../helpers/database.js';
import { prepareAccount } from '../helpers/processes.js';

/**
 * The compiled CLI (`npm ci` builds it), as the multi-process tests run it: through tsx every call
 * paid seconds of compilation on a loaded machine, five calls and two servers a test.
 */
const BIN = fileURLToPath(new URL('../../bin/vudumobile.js', import.meta.url));
/**
 * A stream of up to 20,000 sends (16 at a time); the backup starts once BACKUP_AFTER are answered,
 * and the stream goes on until AFTER_BACKUP more were answered after it finished: the copy is taken
 * while the server commits sends, whatever the machine's speed. (All 20,000 took 29 s on a quiet
 * machine but 98 s at load 10, past the test budget: the rest of the stream proves nothing more.)
 */
const SENDS = 20_000;
const BACKUP_AFTER = 1_500;
const AFTER_BACKUP = 500;

describe('vudumobile backup and restore', () => {
  it('sends a PostgreSQL operator to pg_dump', () => {
    const result = runCli(['backup', '/tmp/never-written.db'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /PostgreSQL: back up with pg_dump .* see "Backups" in docs\/operator\.md/);
  });

  // The CLI copies a SQLite file; PostgreSQL's procedure (pg_dump, PITR) is documented, not coded.
  if (TEST_STORE === 'postgres') return;

  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'backup-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up during a stream of sends; the restored database holds every message answered before', async () => {
    const liveDir = join(dir, 'live');
    await mkdir(liveDir);
    const liveUrl = `sqlite:${join(liveDir, 'db.sqlite')}`;
    const prepared = await prepareAccount(liveUrl);
    await prepared.store.close();
    // Sending paused: the dispatcher would only compete with the sends for the test's two cores; the
    // compiled server (as in production, and as the multi-process tests run it) answers them faster.
    const env = { SMS_SENDING_PAUSED: '1' };
    let live: ChildServer | undefined = await spawnServer({ dir: liveDir, env, compiled: true });
    let restored: ChildServer | undefined;
    try {
      const answered: number[] = [];
      let backup: Promise<{ code: number | null; output: string }> | undefined;
      let answeredBeforeBackup: number[] = [];
      let answeredWhenBackupEnded: number | undefined;
      const backupFile = join(dir, 'backup.sqlite');
      const sending = sendMany({
        url: live.url,
        key: prepared.key,
        count: SENDS,
        concurrency: 16,
        numberAt: (i) => String(15_143_000_000 + i),
        message: (i) => `Sauvegarde ${i}`,
        onAnswered: (id) => {
          answered.push(id);
          if (answered.length === BACKUP_AFTER && backup === undefined) {
            answeredBeforeBackup = [...answered];
            backup = runCliAsync(['backup', backupFile], { DATABASE_URL: liveUrl });
            void backup.then(() => (answeredWhenBackupEnded = answered.length));
          }
        },
        stop: () =>
          answeredWhenBackupEnded !== undefined && answered.length >= answeredWhenBackupEnded + AFTER_BACKUP,
      });
      const sent = await sending;
      assert.equal(sent.refused, 0, sent.samples.join(' | '));
      assert.ok(backup, 'the backup started');
      const backupRun = await backup;
      assert.equal(backupRun.code, 0, backupRun.output);
      // Kept in the test output: the backup's size, messages and time under this load.
      console.log(backupRun.output.trim());
      assert.match(
        backupRun.output,
        /backup written to .*backup\.sqlite: .* messages, \d+ migrations, integrity ok/,
      );
      const backedUp = Number(/(\d+) messages/.exec(backupRun.output)?.[1]);
      assert.ok(backedUp >= BACKUP_AFTER && backedUp <= SENDS, `messages in the backup: ${backedUp}`);
      // Sends were committed while the backup ran and after it: the copy was taken under writes.
      assert.ok(
        answered.length >= (answeredWhenBackupEnded ?? SENDS) + AFTER_BACKUP || answered.length === SENDS,
      );
      assert.ok(answered.length > backedUp, `${answered.length} answered, ${backedUp} in the backup`);

      // Not over a database a server has open, nor over any database without --force.
      const inUse = runCli(['restore', backupFile], { DATABASE_URL: liveUrl });
      assert.equal(inUse.status, 2);
      assert.match(inUse.stderr, /a database exists at .*db\.sqlite: restore replaces it only with --force/);
      const forcedInUse = runCli(['restore', backupFile, '--force'], { DATABASE_URL: liveUrl });
      assert.equal(forcedInUse.status, 2);
      assert.match(forcedInUse.stderr, /is in use: stop every vudumobile process using it first/);
      await live.stop();
      live = undefined;

      const notADatabase = join(dir, 'notes.txt');
      await writeFile(notADatabase, 'hello, this is not SQLite\n'.repeat(100));
      const newDir = join(dir, 'restored');
      await mkdir(newDir);
      const newUrl = `sqlite:${join(newDir, 'db.sqlite')}`;
      const refused = runCli(['restore', notADatabase], { DATABASE_URL: newUrl });
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /notes\.txt: file is not a database/);

      const restore = runCli(['restore', backupFile], { DATABASE_URL: newUrl });
      assert.equal(restore.status, 0, restore.stderr);
      assert.match(restore.stdout, new RegExp(`restored .* ${backedUp} messages`));

      restored = await spawnServer({ dir: newDir, env, compiled: true });
      const store = openStore(newUrl);
      try {
        const rows = await store.db.selectFrom('messages').select('id').execute();
        const present = new Set(rows.map((row) => row.id));
        const missing = answeredBeforeBackup.filter((id) => !present.has(id));
        assert.deepEqual(
          missing.slice(0, 10),
          [],
          `${missing.length} messages answered before the backup are missing`,
        );
        assert.equal(rows.length, backedUp);
      } finally {
        await store.close();
      }
      // The new server serves them: the last message answered before the backup, by its id.
      const lastId = Math.max(...answeredBeforeBackup);
      const response = await fetch(`${restored.url}/api/get_feed`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'VUDUMOBILE-API-KEY': prepared.key },
        body: new URLSearchParams({
          date_start: '2000-01-01 00:00:00',
          direction: 'mt',
          since_id: String(lastId - 1),
        }).toString(),
      });
      assert.equal(response.status, 200);
      const feed = (await response.json()) as { msg_id: number }[];
      assert.equal(feed[0]?.msg_id, lastId);
    } finally {
      await live?.stop();
      await restored?.stop();
    }
  });
});

/** The compiled CLI, waited for. */
function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The compiled CLI in a child process, without blocking this process (the sends go on). */
function runCliAsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
