import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('send_email (contract §3.3)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { mailFrom: 'plateforme@example.org' } });
  });
  after(() => server.close());

  const db = () => server.platform.store.db;
  const full = { to: 'Client@Example.com', subject: 'Votre commande', message: 'Merci!', format: 'text' };

  it('stores the email as queued and answers its msg_id', async () => {
    const { status, body } = await server.call('send_email', full);
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['status', 'msg_id']);
    assert.equal(body.status, true);
    assert.equal(typeof body.msg_id, 'number');
    const row = await db()
      .selectFrom('emails')
      .selectAll()
      .where('id', '=', body.msg_id)
      .executeTakeFirstOrThrow();
    assert.equal(row.account_id, server.account.id);
    assert.equal(row.kind, 'api');
    assert.equal(row.to_address, 'client@example.com');
    assert.equal(row.from_address, 'radio@example.com'); // the account's From address
    assert.equal(row.subject, 'Votre commande');
    assert.equal(row.body, 'Merci!');
    assert.equal(row.format, 'text');
  });

  it('sends it from the account’s address, and text only for format=text', async () => {
    const { body } = await server.call('send_email', { ...full, subject: 'Texte seulement' });
    const eml = await waitForEml(server.dir, 'Subject: Texte seulement');
    assert.match(eml, /^From: radio@example\.com$/m);
    assert.match(eml, /^To: client@example\.com$/m);
    assert.doesNotMatch(eml, /multipart/);
    assert.equal(decodeParts(eml), 'Merci!');
    await waitFor('sent', async () => {
      const row = await db()
        .selectFrom('emails')
        .select('status')
        .where('id', '=', body.msg_id)
        .executeTakeFirst();
      return row?.status === 'sent';
    });
  });

  it('sends htm (and html) as HTML with a plain-text alternative derived from it', async () => {
    for (const format of ['htm', 'html']) {
      const subject = `Format ${format}`;
      const { body } = await server.call('send_email', {
        to: 'a@example.com',
        subject,
        message: '<p>Bonjour <b>Marie</b>,</p><p>Voir <a href="https://example.com/x">ici</a>.</p>',
        format,
      });
      const row = await db()
        .selectFrom('emails')
        .select('format')
        .where('id', '=', body.msg_id)
        .executeTakeFirstOrThrow();
      assert.equal(row.format, 'htm');
      const eml = await waitForEml(server.dir, `Subject: ${subject}`);
      assert.match(eml, /Content-Type: multipart\/alternative/);
      const [text, html] = decodeParts(eml).split('\u0000');
      assert.equal(text, 'Bonjour Marie,\n\nVoir ici (https://example.com/x).');
      assert.equal(html, '<p>Bonjour <b>Marie</b>,</p><p>Voir <a href="https://example.com/x">ici</a>.</p>');
    }
  });

  it('uses the platform’s MAIL_FROM for an account without its own address', async () => {
    const other = await server.createAccount({ mailFrom: null });
    await db().updateTable('accounts').set({ mail_from: null }).where('id', '=', other.id).execute();
    const { body } = await server.call('send_email', full, { key: other.key });
    const row = await db()
      .selectFrom('emails')
      .select('from_address')
      .where('id', '=', body.msg_id)
      .executeTakeFirstOrThrow();
    assert.equal(row.from_address, 'plateforme@example.org');
  });

  it('refuses with the contract’s texts and stores nothing', async () => {
    const count = async () =>
      Number(
        (
          await db()
            .selectFrom('emails')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const missing = 'to, subject, message or format parameter is missing';
    const cases: [Record<string, string>, string][] = [
      [{}, missing],
      [{ ...full, to: '' }, missing],
      [{ ...full, subject: '' }, missing],
      [{ ...full, message: '' }, missing],
      [{ ...full, format: '' }, missing],
      [{ to: full.to, subject: full.subject, message: full.message }, missing],
      [{ ...full, to: 'not-an-address' }, 'to is not a valid email address'],
      [{ ...full, to: 'a@b@c.com' }, 'to is not a valid email address'],
      [{ ...full, format: 'pdf' }, 'format must be text or htm'],
    ];
    for (const [params, error] of cases) {
      const { status, body } = await server.call('send_email', params);
      assert.equal(status, 400, JSON.stringify(params));
      assert.deepEqual(body, { status: false, error });
    }
    assert.equal(await count(), before);
  });
});

/** Waits for the sandbox outbox to hold an email with this header line; returns its text. */
async function waitForEml(dir: string, header: string): Promise<string> {
  const outbox = join(dir, 'outbox');
  return waitFor(`an email with "${header}"`, async () => {
    const files = await readdir(outbox).catch(() => []);
    for (const file of files.filter((f) => f.endsWith('.eml'))) {
      const text = await readFile(join(outbox, file), 'utf8');
      if (text.split('\r\n').includes(header)) return text;
    }
    return undefined;
  });
}

/** The decoded body parts of a sandbox .eml, joined by NUL. */
function decodeParts(eml: string): string {
  const parts = eml.split(/\r\n\r\n/).slice(1);
  return parts
    .map((part) => part.split(/\r\n--/)[0] ?? '')
    .filter((b64) => /^[A-Za-z0-9+/=\r\n]+$/.test(b64.trim()) && b64.trim() !== '')
    .map((b64) => Buffer.from(b64.replace(/\r\n/g, ''), 'base64').toString('utf8'))
    .join('\u0000');
}
