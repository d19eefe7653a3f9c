import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { ByteSource } from '../../../src/domain/imports/csv-inspect.js';
import { DRAFT_LIFETIME_MS, type ImportService } from '../../../src/domain/imports/import-service.js';
import { DomainError } from '../../../src/domain/errors.js';
import { KyselyImportStore } from '../../../src/store/imports/imports-repo.js';
import { uploadCsv } from '../../helpers/imports.js';
import { startTestServer, type TestAccount, type TestServer } from '../../helpers/server.js';

function source(content: string | Buffer): ByteSource {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return async function* (pieceBytes: number) {
    for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
  };
}

async function notFound(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error) => error instanceof DomainError && error.id === 'import_not_found');
}

async function finished(imports: ImportService, accountId: number, importId: number) {
  for (let i = 0; i < 600; i++) {
    const job = await imports.get(accountId, importId);
    if (job.status === 'completed' || job.status === 'failed') return job;
    await sleep(50);
  }
  throw new Error(`import ${importId} did not finish`);
}

describe('web uploads: drafts, preview, start, cancel, the rejected rows with their values', () => {
  let server: TestServer;
  let imports: ImportService;
  let other: TestAccount;
  let clock = Date.now();
  before(async () => {
    server = await startTestServer({ now: () => clock });
    imports = server.platform.ctx.imports;
    other = await server.createAccount();
  });
  after(async () => {
    await server?.close();
  });

  const upload = (content: string | Buffer, fileName = 'liste.csv', accountId = server.account.id) =>
    imports.upload({
      accountId,
      upload: source(content),
      fileText: undefined,
      email: accountId === server.account.id ? server.account.userEmail : other.userEmail,
      overwrite: '0',
      group: undefined,
      fileName,
    });

  it('keeps an upload as a draft the importer leaves alone, and previews it with the importer’s reading', async () => {
    // Windows-1252, semicolons, a quoted field spanning two lines: the preview reads it as the import will.
    const text =
      'Nom;Téléphone;Courriel;Remarque;Langue\r\n' +
      'Élise;514 555 0101;elise@example.com;"deux\r\nlignes";fr\r\n' +
      'Bob;5145550102;;x;en\r\n' +
      ';;;;\r\n' +
      ['C', 'D', 'E', 'F', 'G'].map((n, i) => `${n};51455502${i}0;;;fr`).join('\r\n') +
      '\r\n';
    const { importId } = await upload(Buffer.from(text, 'latin1'), 'clients été.csv');
    await sleep(300); // the importer polls; a draft must not be claimed
    const job = await imports.get(server.account.id, importId);
    assert.equal(job.status, 'draft');
    assert.equal(job.fileName, 'clients été.csv');
    assert.equal(job.rowsTotal, 7);
    assert.deepEqual(job.header, ['Nom', 'Téléphone', 'Courriel', 'Remarque', 'Langue']);
    assert.equal(job.counts.rowsRead, 0);

    const preview = await imports.preview(server.account.id, importId);
    assert.deepEqual(preview.header, ['Nom', 'Téléphone', 'Courriel', 'Remarque', 'Langue']);
    // Remarque is not a column the importer knows: it is ignored (absent from the map).
    assert.deepEqual(preview.columns, { name: 0, number: 1, email: 2, language: 4 });
    assert.equal(preview.rows.length, 5);
    assert.deepEqual(preview.rows[0], ['Élise', '514 555 0101', 'elise@example.com', 'deux\r\nlignes', 'fr']);
    assert.deepEqual(preview.rows[2], ['C', '5145550200', '', '', 'fr']);

    await notFound(imports.get(other.id, importId));
    await notFound(imports.preview(other.id, importId));
    await notFound(imports.confirm(other.id, importId));
    await notFound(imports.cancel(other.id, importId));
    assert.equal((await imports.get(server.account.id, importId)).status, 'draft');

    const started = await imports.confirm(server.account.id, importId);
    assert.equal(started.status, 'pending');
    const done = await finished(imports, server.account.id, importId);
    assert.equal(done.status, 'completed');
    assert.equal(done.counts.rowsRead, 7, 'the bar ends exactly at the counted total');
    assert.equal(done.counts.created, 7);
    // Starting again changes nothing; cancelling a started import deletes nothing.
    assert.equal((await imports.confirm(server.account.id, importId)).status, 'completed');
    assert.equal(await imports.cancel(server.account.id, importId), false);
    assert.equal((await imports.get(server.account.id, importId)).status, 'completed');
  });

  it('keeps every rejected row with its values, in line order, for the error report', async () => {
    const lines = ['number,name,email'];
    const bad = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const line = i + 2;
      if (i % 60 === 7) {
        bad.add(line);
        lines.push(i % 120 === 7 ? `not a number,Bad ${i},` : `51455${String(10000 + i)},Bad ${i},x@`);
      } else lines.push(`51466${String(10000 + i)},"Row, ${i}",`);
    }
    const { importId } = await upload(lines.join('\n') + '\n');
    await imports.confirm(server.account.id, importId);
    const job = await finished(imports, server.account.id, importId);
    assert.equal(job.counts.rejected, bad.size);
    assert.equal(bad.size, 50);
    const rows = [];
    for await (const row of imports.rejectedRows(server.account.id, importId)) rows.push(row);
    assert.deepEqual(
      rows.map((r) => r.line),
      [...bad],
    );
    assert.deepEqual(
      { reason: rows[0]?.reason, values: rows[0]?.values },
      { reason: 'number is not a valid phone number', values: ['not a number', 'Bad 7', ''] },
    );
    assert.deepEqual(
      { reason: rows[1]?.reason, values: rows[1]?.values },
      { reason: 'email is not a valid email address', values: ['5145510067', 'Bad 67', 'x@'] },
    );
    const api = await server.call('get_import', { import_id: String(importId) });
    assert.equal(api.body.import.errors.length, 50, 'get_import lists the same reasons');
    await assert.rejects(
      (async () => {
        for await (const row of imports.rejectedRows(other.id, importId)) assert.fail(String(row.line));
      })(),
      (error) => error instanceof DomainError && error.id === 'import_not_found',
    );
  });

  it('cancels a draft with its stored bytes; drafts left for a day are dropped', async () => {
    const store = new KyselyImportStore(server.platform.store);
    const { importId } = await upload('email,name\na@example.com,a\n');
    assert.equal(await imports.cancel(server.account.id, importId), true);
    await notFound(imports.get(server.account.id, importId));
    const chunks = await server.platform.store.db
      .selectFrom('import_chunks')
      .select('seq')
      .where('import_id', '=', importId)
      .execute();
    assert.deepEqual(chunks, []);

    const old = await upload('email,name\nb@example.com,b\n', 'old.csv', other.id);
    clock += DRAFT_LIFETIME_MS + 1;
    const fresh = await upload('email,name\nc@example.com,c\n');
    await notFound(imports.get(other.id, old.importId));
    assert.equal((await imports.get(server.account.id, fresh.importId)).status, 'draft');
    assert.equal(await store.deleteDraftsBefore(0), 0);
  });

  it('lists the account’s imports newest first, page by page, and records the API upload’s file name', async () => {
    const target = { url: server.url, key: other.key };
    const a = await uploadCsv(target, 'email,name\nd@example.com,d\n', { email: other.userEmail });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const b = await upload('email,name\ne@example.com,e\n', 'b.csv', other.id);
    const c = await upload('email,name\nf@example.com,f\n', 'c.csv', other.id);
    const first = await imports.list(other.id, 2);
    assert.deepEqual(
      first.map((j) => j.id),
      [c.importId, b.importId],
    );
    const next = await imports.list(other.id, 2, b.importId);
    assert.deepEqual(
      next.map((j) => [j.id, j.fileName]),
      [[a.body.import_id, 'contacts.csv']],
    );
    assert.ok((await imports.list(server.account.id, 100)).every((j) => j.accountId === server.account.id));
  });
});
