import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSmscSim, type SmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';
import { callApi, spawnServer, type ChildServer } from '../helpers/child-server.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/messages.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { WebClient } from '../helpers/web-client.js';

const SMPP_PASSWORD = 'Sp4x9Qz1';
const SMPP_WRONG_PASSWORD = 'Wr0ngPw7';
const SMTP_WRONG_PASSWORD = 'Smtp-Wrong-9d2f';
const WEB_PASSWORD = 'Web-Password-5b8c';
const DB_PASSWORD = 'Db-Pass-2e6d';
const METRICS_TOKEN = 'Metrics-Token-4f1a0c9e';

/** Every spelling of a secret a log could carry: as is, URL-encoded, base64 (SMTP AUTH PLAIN/LOGIN). */
function spellings(secret: string, user = 'vudu'): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`\0${user}\0${secret}`).toString('base64'),
  ];
}

describe('secrets never reach the logs (a full run of `vudumobile serve` at LOG_LEVEL=trace)', () => {
  let dir: string;
  let database: TestDatabase;
  let server: ChildServer;
  let sims: SmscSim[];
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: WebhookReceiver;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-secrets-'));
    database = await createTestDatabase(dir);
    // One SMSC that takes our password, one that refuses the password we give it (a failed bind).
    sims = [
      await startSmscSim({ systemId: 'vudu', password: SMPP_PASSWORD, receiptDelayMs: 0 }),
      await startSmscSim({ systemId: 'vudu', password: 'other1' }),
    ];
    smtp = await startSmtpServer();
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    await server?.stop();
    for (const sim of sims ?? []) await sim.close();
    await smtp?.close();
    await receiver?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('SMPP and SMTP passwords, a webhook secret, a web password, the database password, the metrics token, the API key', async () => {
    const [good, refusing] = sims;
    assert.ok(good && refusing);
    // PostgreSQL under trust authentication ignores the password: one in the URL tests its redaction.
    const databaseUrl =
      TEST_STORE === 'postgres'
        ? database.url.replace('postgres://postgres@', `postgres://postgres:${DB_PASSWORD}@`)
        : database.url;
    server = await spawnServer({
      dir,
      env: {
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'trace',
        SMPP_URL: [
          `smpp://vudu:${SMPP_PASSWORD}@127.0.0.1:${good.port}?name=good`,
          `smpp://vudu:${SMPP_WRONG_PASSWORD}@127.0.0.1:${refusing.port}?name=refusing&prefixes=1999`,
        ].join(','),
        SMTP_URL: `smtp://vudu:${SMTP_WRONG_PASSWORD}@127.0.0.1:${smtp.port}`,
        WEBHOOK_ALLOW_PRIVATE: '1',
        METRICS_TOKEN,
      },
    });
    const key = server.firstRunKey;
    assert.ok(key, 'the first start prints its key');
    // The first-run account has its sender already: spawnServer sets DEFAULT_SENDER.

    const hook = await callApi(server.url, key, 'post_webhook', { url: receiver.url, events: 'status' });
    assert.equal(hook.status, true);
    const secret: string = hook.webhook.secret;
    assert.ok(secret.length >= 16);

    // Within a second of the CLI's change the key's cache holds the account with its sender.
    const sent = await waitFor('the send accepted', async () => {
      const answer = await callApi(server.url, key, 'send', { to: '15145550123', message: 'Bonjour' });
      return answer.status === true ? answer : undefined;
    });
    assert.equal(sent.status, true);
    await waitFor(
      'the status webhook delivered, signed with the secret',
      () => receiver.received.length > 0,
      20_000,
    );
    assert.equal(
      (
        await callApi(server.url, key, 'send_email', {
          to: 'client@example.com',
          subject: 'Bonjour',
          message: 'Un courriel',
          format: 'text',
        })
      ).status,
      true,
    );
    const web = new WebClient(server.url);
    await web.get('/sign-in');
    const signIn = await web.post('/sign-in', { email: 'admin@localhost', password: WEB_PASSWORD });
    assert.equal(signIn.response.status, 401);
    const metrics = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(metrics.status, 200);
    await metrics.arrayBuffer();

    // The failures the run must have logged, with the secrets at hand: a refused bind, a refused SMTP login.
    await waitFor('the refused SMPP bind logged', () => /SMPP link down/.test(server.output()), 20_000);
    await waitFor(
      'the refused SMTP login logged',
      () => /"level":[45]0[^\n]*(SMTP|email)/i.test(server.output()),
      30_000,
    );
    await server.stop();

    const logs = server.output();
    assert.match(logs, /SMPP bound/, 'the logs of the run are here');
    const secrets: [string, string[]][] = [
      ['SMPP password', spellings(SMPP_PASSWORD)],
      ['wrong SMPP password', spellings(SMPP_WRONG_PASSWORD)],
      ['SMTP password', spellings(SMTP_WRONG_PASSWORD)],
      ['webhook secret', spellings(secret)],
      ['web password', spellings(WEB_PASSWORD, 'admin@localhost')],
      ['database password', spellings(DB_PASSWORD)],
      ['metrics token', spellings(METRICS_TOKEN)],
    ];
    for (const [what, forms] of secrets) {
      for (const form of forms)
        assert.equal(logs.split(form).length - 1, 0, `${what} (${form}) found in the logs`);
    }
    // The API key: only in the first-start banner that hands it to the operator, never in a log line.
    const keyLines = logs.split('\n').filter((line) => line.includes(key));
    assert.ok(keyLines.length > 0 && keyLines.every((line) => !line.startsWith('{')), keyLines.join('\n'));
  });
});
