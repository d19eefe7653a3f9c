import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LeaseLost } from '../../src/domain/ports/import-store.js';
import { openStore } from '../../src/store/database.js';
import { KyselyImportStore } from '../../src/store/imports/imports-repo.js';
import { spawnServer, type ChildServer } from '../helpers/child-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import {
  getImport,
  readOutbox,
  reportsOf,
  uploadCsv,
  waitForImport,
  type Target,
} from '../helpers/imports.js';
import { waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ROWS = 200_000;
/** Every tenth row repeats the number of the row five above it: 20,000 duplicates to count once each. */
function csvWithDuplicates(): string {
  const lines = ['number,name'];
  for (let i = 0; i < ROWS; i++) {
    const n = i % 10 === 9 ? i - 5 : i;
    lines.push(`438${2_000_000 + n},Row ${i}`);
  }
  return `${lines.join('\n')}\n`;
}
const DUPLICATES = ROWS / 10;

async function waitUntilRead(target: Target, importId: number, atLeast: number): Promise<number> {
  for (;;) {
    const { body } = await getImport(target, String(importId));
    assert.notEqual(
      body.import.status,
      'completed',
      'the import finished before the process could be stopped',
    );
    if (body.import.rows_read >= atLeast) return body.import.rows_read;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the importer survives its process dying', () => {
  let dir: string;
  let database: TestDatabase;
  let server: ChildServer | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-import-kill-'));
    database = await createTestDatabase(dir);
  });
  after(async () => {
    await server?.stop('SIGKILL');
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('killed (SIGKILL) then stopped (SIGTERM) mid-import, it finishes with exact counts and one report', async () => {
    // A short lease: after SIGKILL the next process may take the import over 2 s later.
    const env = { IMPORT_LEASE_SECONDS: '2', DATABASE_URL: database.url };
    server = await spawnServer({ dir, env });
    const key = server.firstRunKey;
    assert.ok(key, 'the first start prints a key');
    let target: Target = { url: server.url, key };
    const answer = await uploadCsv(target, csvWithDuplicates(), { email: 'admin@localhost' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const importId: number = answer.body.import_id;

    const readBeforeKill = await waitUntilRead(target, importId, ROWS * 0.15);
    await server.stop('SIGKILL');
    server = await spawnServer({ dir, env });
    target = { url: server.url, key };
    const readBeforeStop = await waitUntilRead(target, importId, ROWS * 0.5);
    assert.ok(readBeforeStop > readBeforeKill);
    await server.stop('SIGTERM');

    server = await spawnServer({ dir, env });
    target = { url: server.url, key };
    const done = await waitForImport(target, importId);
    assert.deepEqual(
      [done.status, done.rows_read, done.created, done.updated, done.skipped, done.rejected],
      ['completed', ROWS, ROWS - DUPLICATES, 0, DUPLICATES, 0],
    );
    const store = openStore(database.url);
    try {
      const { n } = await store.db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(n), ROWS - DUPLICATES, 'no contact twice, none lost');
      const chunks = await store.db.selectFrom('import_chunks').select('seq').execute();
      assert.deepEqual(chunks, [], 'the stored bytes are dropped once done');
      // The report is queued after `completed` is recorded, and the email dispatcher sends it.
      const queued = await waitFor('the report to be sent', async () => {
        const rows = await store.db
          .selectFrom('emails')
          .select(['status', 'to_address'])
          .where('kind', '=', 'import_report')
          .execute();
        return rows.every((row) => row.status === 'sent') && rows.length > 0 ? rows : undefined;
      });
      assert.deepEqual(queued, [{ status: 'sent', to_address: 'admin@localhost' }], 'one report queued');
    } finally {
      await store.close();
    }
    const reports = await reportsOf(dir, importId);
    assert.equal(reports.length, 1);
    assert.match(
      reports[0]?.text ?? '',
      new RegExp(
        `Lignes lues: ${ROWS}\nContacts créés: ${ROWS - DUPLICATES}\nContacts mis à jour: 0\n` +
          `Ignorés \\(doublons\\): ${DUPLICATES}\nLignes rejetées: 0\n`,
      ),
    );
  });
});

describe('the importer’s lease and report', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('sends the report of an import finished before a crash exactly once', async () => {
    const db = server.platform.store.db;
    const now = Date.now();
    const row = {
      account_id: server.account.id,
      report_email: server.account.userEmail,
      overwrite: 0,
      group_id: null,
      encoding: 'utf8',
      delimiter: ',',
      byte_size: 10,
      checkpoint_line: 8,
      rows_read: 7,
      created: 4,
      updated: 0,
      skipped: 2,
      rejected: 1,
      created_at: now - 60_000,
      finished_at: now - 1_000,
    };
    // Completed, report unsent, its worker's lease run out: the state a crash after the commit leaves.
    const orphan = await db
      .insertInto('imports')
      .values({ ...row, status: 'completed', lease_until: now - 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('import_errors')
      .values({ import_id: orphan.id, line: 5, reason: 'because' })
      .execute();
    // Completed, report unsent, but another worker's lease still runs: not ours to send.
    const held = await db
      .insertInto('imports')
      .values({ ...row, status: 'completed', lease_until: now + 600_000 })
      .returning('id')
      .executeTakeFirstOrThrow();

    const deadline = Date.now() + 10_000;
    let sentAt: number | null = null;
    while (sentAt === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const state = await db
        .selectFrom('imports')
        .select('report_sent_at')
        .where('id', '=', orphan.id)
        .executeTakeFirstOrThrow();
      sentAt = state.report_sent_at;
    }
    assert.ok(sentAt !== null, 'the report was queued');
    await reportsOf(server.dir, orphan.id); // sent by the email dispatcher
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // several more polls of the worker
    const outbox = await readOutbox(server.dir);
    const reports = outbox.filter((e) => e.subject.includes(`n° ${orphan.id} `));
    assert.equal(reports.length, 1);
    assert.match(
      reports[0]?.text ?? '',
      /Lignes lues: 7\n.*\n.*\nIgnorés \(doublons\): 2\nLignes rejetées: 1\n/,
    );
    assert.match(reports[0]?.text ?? '', /ligne 5: because/);
    assert.equal(outbox.filter((e) => e.subject.includes(`n° ${held.id} `)).length, 0);
  });
});

describe('claiming imports', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ role: 'api' });
  });
  after(() => server.close());

  it('gives an import to one worker at a time, and takes it back from one whose lease ran out', async () => {
    const target = { url: server.url, key: server.account.key };
    const answer = await uploadCsv(target, 'number,name\n5145550101,Bob\n', {
      email: server.account.userEmail,
    });
    assert.equal(answer.status, 200);
    const store = new KyselyImportStore(server.platform.store);
    const t0 = Date.now();
    const first = await store.claimImport(t0, 1_000);
    assert.ok(first);
    assert.deepEqual([first.job.id, first.job.status], [answer.body.import_id, 'running']);
    assert.equal(await store.claimImport(t0 + 500, 1_000), undefined, 'the lease still runs');

    const second = await store.claimImport(t0 + 1_001, 1_000);
    assert.ok(second, 'an expired lease is taken over');
    const account = await store.findAccount(server.account.id);
    assert.ok(account);
    // The first worker comes back to life: its batch must not commit.
    await assert.rejects(
      store.runBatch(first.lease, account, t0 + 1_100, 1_000, async (tx) => {
        await tx.insertContacts([
          {
            number: '15145550101',
            email: null,
            name: 'Bob',
            description: '',
            language: 'fr',
            blocked: false,
            timeZone: null,
          },
        ]);
      }),
      LeaseLost,
    );
    const contacts = await server.platform.store.db.selectFrom('contacts').select('id').execute();
    assert.deepEqual(contacts, []);
  });

  it('queues a report only under the lease that holds, once', async () => {
    const target = { url: server.url, key: server.account.key };
    const answer = await uploadCsv(target, 'number,name\n5145550102,Ann\n', {
      email: server.account.userEmail,
    });
    const store = new KyselyImportStore(server.platform.store);
    const db = server.platform.store.db;
    const t0 = Date.now();
    const stale = await store.claimImport(t0, 1_000);
    const current = await store.claimImport(t0 + 1_001, 1_000);
    assert.ok(stale && current);
    assert.equal(current.job.id, answer.body.import_id);
    const report = (subject: string) => ({
      accountId: server.account.id,
      kind: 'import_report',
      from: 'radio@example.com',
      to: server.account.userEmail,
      subject,
      body: 'report',
      format: 'text' as const,
      acceptedAt: t0 + 1_100,
    });
    await assert.rejects(store.queueReport(stale.lease, report('stale')), LeaseLost);
    await store.queueReport(current.lease, report('current'));
    await assert.rejects(store.queueReport(current.lease, report('again')), LeaseLost);
    const queued = await db
      .selectFrom('emails')
      .select('subject')
      .where('kind', '=', 'import_report')
      .execute();
    assert.deepEqual(queued, [{ subject: 'current' }]);
    const job = await db
      .selectFrom('imports')
      .select(['report_sent_at', 'lease_until'])
      .where('id', '=', current.job.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(job, { report_sent_at: t0 + 1_100, lease_until: null });
  });
});
