import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  generatedCsv,
  getImport,
  reportsOf,
  uploadCsv,
  waitForImport,
  type ImportState,
  type Target,
} from '../helpers/imports.js';
import { startTestServer, type ApiResponse, type TestServer } from '../helpers/server.js';

const ICON = 'http://127.0.0.1:8080/assets/images/contact_icons/default.png';

describe('import_contacts and get_import (contract §4.4)', () => {
  let server: TestServer;
  let target: Target;
  let user: string;
  before(async () => {
    server = await startTestServer();
    target = { url: server.url, key: server.account.key };
    user = server.account.userEmail;
  });
  after(() => server.close());

  const db = () => server.platform.store.db;
  const countImports = async (): Promise<number> =>
    Number(
      (
        await db()
          .selectFrom('imports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Starts an import and waits for it; asserts the documented answer on the way. */
  async function importAndWait(response: Promise<ApiResponse>, email = user): Promise<ImportState> {
    const { status, body } = await response;
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(Object.keys(body), ['status', 'email', 'import_id']);
    assert.deepEqual(body, { status: true, email, import_id: body.import_id });
    assert.equal(typeof body.import_id, 'number');
    return waitForImport(target, body.import_id);
  }

  async function reportFor(importId: number): Promise<{ to: string; subject: string; text: string }> {
    const reports = await reportsOf(server.dir, importId);
    assert.equal(reports.length, 1, `one report for import ${importId}`);
    return reports[0] ?? { to: '', subject: '', text: '' };
  }

  async function contact(number: string): Promise<Record<string, unknown>> {
    const { body } = await server.call('get_contact', { number });
    assert.equal(body.status, true, `${number}: ${JSON.stringify(body)}`);
    return body.contact[0];
  }

  describe('refusals, in the documented order, storing nothing', () => {
    const cases: [string, () => Promise<ApiResponse>, number, string][] = [
      ['no file (form)', () => server.call('import_contacts', { email: 'x@y.ca' }), 400, 'File required'],
      ['no file (multipart)', () => uploadCsv(target, undefined, { email: 'x@y.ca' }), 400, 'File required'],
      ['an empty file parameter', () => server.call('import_contacts', { file: '' }), 400, 'File required'],
      ['no email', () => uploadCsv(target, 'number\n1\n', {}), 400, 'email parameter is missing'],
      [
        'an email that is no user of the account',
        () => uploadCsv(target, '', { email: 'some@some.com' }),
        400,
        'The email some@some.com must be associated to a user on your account',
      ],
      [
        'a bare file name, as in the source’s curl example',
        () => server.call('import_contacts', { file: 'abc.csv', email: user, overwrite: '0' }),
        400,
        'CSV file could not be read',
      ],
      ['an empty upload', () => uploadCsv(target, '', { email: user }), 400, 'CSV file could not be read'],
      [
        'a binary upload',
        () =>
          uploadCsv(target, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), {
            email: user,
          }),
        400,
        'CSV file could not be read',
      ],
      [
        'a header line without delimiter',
        () => uploadCsv(target, 'number\n5145550101\n', { email: user }),
        400,
        'Wrong delimiters',
      ],
      [
        'rows that do not split like the header',
        () => uploadCsv(target, 'number,name\n5145550101;Bob\n5145550102;Al\n', { email: user }),
        400,
        'Wrong delimiters',
      ],
      [
        'a header with neither number nor email',
        () => uploadCsv(target, 'nom,prénom\nBob,Smith\n', { email: user }),
        400,
        'CSV file malformed',
      ],
      [
        'a quote left open',
        () => uploadCsv(target, 'number,name\n5145550101,"Bob\n5145550102,Al\n', { email: user }),
        400,
        'CSV file malformed',
      ],
      [
        'an unknown group',
        () => uploadCsv(target, 'number,name\n5145550101,Bob\n', { email: user, group: 'Nope' }),
        404,
        'group not found',
      ],
      [
        'an overwrite other than 0 or 1',
        () => uploadCsv(target, 'number,name\n5145550101,Bob\n', { email: user, overwrite: 'yes' }),
        400,
        'overwrite must be 0 or 1',
      ],
    ];
    for (const [what, send, status, error] of cases) {
      it(`refuses ${what}: ${status} ${error}`, async () => {
        const response = await send();
        assert.equal(response.status, status);
        assert.deepEqual(response.body, { status: false, error });
        assert.equal(await countImports(), 0);
      });
    }

    it('refuses a user of another account', async () => {
      const other = await server.createAccount({ name: 'Other' });
      const response = await uploadCsv(target, 'number,name\n5145550101,Bob\n', { email: other.userEmail });
      assert.deepEqual(response.body, {
        status: false,
        error: `The email ${other.userEmail} must be associated to a user on your account`,
      });
    });
  });

  it('imports CSV text sent form-encoded, as the source’s example does, and reports by email', async () => {
    const csv =
      'number,name,email,description,language\n(514) 555-0101,Jean Tremblay,JEAN@example.com,VIP,en\n';
    const state = await importAndWait(
      server.call('import_contacts', { file: csv, email: user.toUpperCase() }),
      user.toUpperCase(),
    );
    assert.deepEqual(Object.keys(state), [
      'id',
      'status',
      'rows_read',
      'created',
      'updated',
      'skipped',
      'rejected',
      'errors',
      'created_at',
      'finished_at',
    ]);
    assert.deepEqual(state, {
      id: state.id,
      status: 'completed',
      rows_read: 1,
      created: 1,
      updated: 0,
      skipped: 0,
      rejected: 0,
      errors: [],
      created_at: state.created_at,
      finished_at: state.finished_at,
    });
    assert.match(state.created_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.match(state.finished_at ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const { id, created_at_unix, groups, ...fields } = await contact('5145550101');
    assert.deepEqual(fields, {
      number: '15145550101',
      name: 'Jean Tremblay',
      description: 'VIP',
      email: 'jean@example.com',
      icon: ICON,
      is_blocked: 0,
      user_id: '0',
      language: 'en',
    });
    assert.equal(typeof id, 'number');
    assert.equal(typeof created_at_unix, 'number');
    assert.deepEqual(
      (groups as { group_name: string }[]).map((g) => g.group_name),
      ['Tous'],
    );
    const report = await reportFor(state.id);
    assert.equal(report.to, user, 'sent to the user as stored');
    assert.match(report.subject, new RegExp(`Importation de contacts n° ${state.id} terminée`));
    assert.match(report.text, /Lignes lues: 1\nContacts créés: 1\nContacts mis à jour: 0\n/);
  });

  it('reads a UTF-8 file with a BOM, `;` and French headers; groups from the file and the group parameter', async () => {
    const created = await server.call('post_group', { group_name: 'Clients' });
    assert.equal(created.status, 200);
    const csv =
      '\uFEFFNuméro;Nom;Courriel;Langue;Groupes\n' +
      '514-555-0201;Élodie Côté;elodie@example.com;Français;VIP, Tous\n' +
      '514.555.0202;Zoë;;EN;"blocked; vip"\n';
    const state = await importAndWait(uploadCsv(target, csv, { email: user, group: 'clients' }));
    assert.deepEqual([state.created, state.rejected], [2, 0], JSON.stringify(state.errors));
    const elodie = await contact('5145550201');
    assert.equal(elodie.name, 'Élodie Côté');
    assert.equal(elodie.language, 'fr');
    assert.deepEqual(
      (elodie.groups as { group_name: string; system: number }[]).map((g) => [g.group_name, g.system]),
      [
        ['Tous', 1],
        ['Clients', 0],
        ['VIP', 0],
      ],
    );
    const zoe = await contact('5145550202');
    assert.equal(zoe.language, 'en');
    assert.equal(zoe.is_blocked, 1, 'Blocked in the groups cell blocks the contact');
    // System groups are never given member rows: Tous is implicit, Blocked is is_blocked.
    const systemRows = await db()
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .where('groups.system_kind', 'is not', null)
      .select('group_members.contact_id')
      .execute();
    assert.deepEqual(systemRows, []);
  });

  it('reads Windows-1252 with tabs (Montréal in cp1252 bytes)', async () => {
    const bytes = Buffer.from('téléphone\tnom\tnotes\n5145550301\tMontréal\tGarçon\n', 'latin1');
    assert.equal(bytes.includes(0xe9), true, 'é is one byte');
    const state = await importAndWait(uploadCsv(target, bytes, { email: user }));
    assert.equal(state.created, 1);
    const created = await contact('5145550301');
    assert.deepEqual([created.name, created.description], ['Montréal', 'Garçon']);
  });

  it('rejects bad rows by line number and imports the others', async () => {
    const csv = [
      'number,name,email',
      '5145550401,Good One,',
      '5145550402,Too,Many,Fields',
      '',
      '1514555555,Bad Number,valid@example.com',
      ',No Key,',
      '5145550403,"Two',
      'Lines",good3@example.com',
      '5145550404,Bad Email,nope@',
      '5145550405,Good Two,good2@example.com',
      '5145550401,Same Number Again,',
    ].join('\r\n');
    const state = await importAndWait(uploadCsv(target, csv, { email: user }));
    assert.deepEqual(
      { ...state, id: 0, created_at: '', finished_at: '' },
      {
        id: 0,
        status: 'completed',
        rows_read: 8,
        created: 3,
        updated: 0,
        skipped: 1,
        rejected: 4,
        errors: [
          { line: 3, reason: 'wrong number of fields (expected 3, found 4)' },
          { line: 5, reason: 'number is not a valid phone number' },
          { line: 6, reason: 'Contact number or email required' },
          { line: 9, reason: 'email is not a valid email address' },
        ],
        created_at: '',
        finished_at: '',
      },
    );
    assert.equal((await contact('5145550403')).name, 'Two\r\nLines');
    assert.equal((await contact('5145550401')).name, 'Good One', 'the duplicate row changed nothing');
    const report = await reportFor(state.id);
    assert.match(report.text, /ligne 3: wrong number of fields \(expected 3, found 4\)\n {2}ligne 5: number/);
  });

  it('counts every rejected row and keeps (and reports) the first 100 reasons', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `nope${i},Bad ${i}`);
    const state = await importAndWait(
      uploadCsv(target, `number,name\n5145550451,Good\n${rows.join('\n')}\n`, { email: user }),
    );
    assert.deepEqual([state.rows_read, state.created, state.rejected], [151, 1, 150]);
    assert.equal(state.errors.length, 100);
    assert.deepEqual(state.errors[0], { line: 3, reason: 'number is not a valid phone number' });
    assert.deepEqual(state.errors[99], { line: 102, reason: 'number is not a valid phone number' });
    const report = await reportFor(state.id);
    assert.match(report.text, /Lignes rejetées: 150\n/);
    assert.equal(report.text.match(/^ {2}ligne \d+: /gm)?.length, 100);
  });

  it('imports 100,000 rows, then the same file again without overwrite creates nothing', async () => {
    const csv = generatedCsv(100_000, 500_000);
    const first = await importAndWait(uploadCsv(target, csv, { email: user }));
    assert.deepEqual(
      [first.status, first.rows_read, first.created, first.updated, first.skipped, first.rejected],
      ['completed', 100_000, 100_000, 0, 0, 0],
    );
    const stored = await db()
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('account_id', '=', server.account.id)
      .where('number', '>=', '15142500000')
      .where('number', '<', '15142600000')
      .executeTakeFirstOrThrow();
    assert.equal(Number(stored.n), 100_000);
    const report = await reportFor(first.id);
    assert.match(
      report.text,
      /Lignes lues: 100000\nContacts créés: 100000\nContacts mis à jour: 0\nIgnorés \(doublons\): 0\nLignes rejetées: 0\n/,
    );

    const again = await importAndWait(uploadCsv(target, csv, { email: user, overwrite: '0' }));
    assert.deepEqual(
      [again.rows_read, again.created, again.updated, again.skipped, again.rejected],
      [100_000, 0, 0, 100_000, 0],
    );
  });

  it('updates existing contacts with overwrite=1: only the cells given change', async () => {
    await importAndWait(
      uploadCsv(target, 'number,name,email,notes\n5145550501,Old,old@example.com,Keep me\n', { email: user }),
    );
    const state = await importAndWait(
      uploadCsv(target, 'number,name,email,notes\n5145550501,New,,\nunknown,x,,\n', {
        email: user,
        overwrite: '1',
      }),
    );
    assert.deepEqual([state.created, state.updated, state.skipped, state.rejected], [0, 1, 0, 1]);
    const updated = await contact('5145550501');
    assert.deepEqual(
      [updated.name, updated.email, updated.description],
      ['New', 'old@example.com', 'Keep me'],
    );
  });

  it('hides an import from another account, and answers get_import’s own errors', async () => {
    const state = await importAndWait(
      uploadCsv(target, 'email,name\nmine@example.com,Me\n', { email: user }),
    );
    const other = await server.createAccount({ name: 'Other' });
    const foreign = await getImport({ url: server.url, key: other.key }, String(state.id));
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { status: false, error: 'import not found' });
    assert.deepEqual((await server.call('get_import', {})).body, {
      status: false,
      error: 'import_id parameter is missing',
    });
    for (const id of ['abc', '0', '999999', '1e3', '-1']) {
      const response = await server.call('get_import', { import_id: id });
      assert.deepEqual(
        [response.status, response.body],
        [404, { status: false, error: 'import not found' }],
        id,
      );
    }
  });

  it('answers hostile input with 4xx or rejected rows, never 5xx', async () => {
    const hugeLine = `number,name\n5145550601,${'x'.repeat(10 * 1024 * 1024)}\n`;
    const huge = await uploadCsv(target, hugeLine, { email: user });
    assert.deepEqual([huge.status, huge.body], [400, { status: false, error: 'CSV file malformed' }]);
    const oneLine = await uploadCsv(target, 'x'.repeat(10 * 1024 * 1024), { email: user });
    assert.deepEqual([oneLine.status, oneLine.body], [400, { status: false, error: 'Wrong delimiters' }]);
    const random = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256);
    assert.equal((await uploadCsv(target, random, { email: user })).status, 400);

    const sql = `Robert'); DROP TABLE contacts;--`;
    const state = await importAndWait(
      uploadCsv(target, `number,name,groups\n5145550602,"${sql}","x' OR '1'='1"\n`, { email: user }),
    );
    assert.equal(state.created, 1);
    assert.equal((await contact('5145550602')).name, sql);
    const group = await db()
      .selectFrom('groups')
      .select('name')
      .where('name', '=', "x' OR '1'='1")
      .executeTakeFirst();
    assert.deepEqual(group, { name: "x' OR '1'='1" });

    const longName = await importAndWait(
      uploadCsv(target, `number,name\n5145550603,${'n'.repeat(5000)}\n`, { email: user }),
    );
    assert.deepEqual(longName.errors, [{ line: 2, reason: 'name is too long' }]);
  });
});
