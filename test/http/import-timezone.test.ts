import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadCsv, waitForImport, type Target } from '../helpers/imports.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('import_contacts: the time zone column (extension: timezone, fuseau)', () => {
  let server: TestServer;
  let target: Target;
  before(async () => {
    server = await startTestServer();
    target = { url: server.url, key: server.account.key };
  });
  after(() => server.close());

  const zones = async (): Promise<Record<string, string | null>> => {
    const rows = await server.platform.store.db
      .selectFrom('contacts')
      .select(['number', 'time_zone'])
      .where('account_id', '=', server.account.id)
      .orderBy('number')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.number ?? '', r.time_zone]));
  };

  const importCsv = async (csv: string, overwrite = '0') => {
    const { status, body } = await uploadCsv(target, csv, {
      email: server.account.userEmail,
      overwrite,
    });
    assert.equal(status, 200, JSON.stringify(body));
    return waitForImport(target, body.import_id);
  };

  it('sets each contact’s zone, rejects an unknown one by line, and overwrites only with a cell given', async () => {
    const first = await importCsv(
      'Numéro;Nom;Fuseau horaire\n' +
        '5145550801;Exilée;America/Vancouver\n' +
        '5145550802;Chez elle;\n' +
        '5145550803;Perdue;Mars/Olympus\n',
    );
    assert.deepEqual([first.created, first.rejected], [2, 1]);
    assert.deepEqual(first.errors, [
      {
        line: 4,
        reason: 'Invalid timezone: Mars/Olympus (expected an IANA zone such as America/Toronto)',
      },
    ]);
    assert.deepEqual(await zones(), { '15145550801': 'America/Vancouver', '15145550802': null });

    const second = await importCsv('number,timezone\n5145550801,\n5145550802,america/halifax\n', '1');
    assert.deepEqual([second.created, second.updated, second.rejected], [0, 2, 0]);
    assert.deepEqual(await zones(), {
      '15145550801': 'America/Vancouver',
      '15145550802': 'America/Halifax',
    });
  });
});
