import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createEmailTransport } from '../../src/transport-wiring.js';
import { SmtpEmailTransport } from '../../src/transport/smtp/smtp-email.js';
import { TransportError } from '../../src/domain/ports/transports.js';
import { parseMime } from '../helpers/mime.js';
import { startSmtpServer } from '../helpers/smtp-server.js';
import { silentLog } from '../helpers/smpp.js';

describe('SMTP email transport against a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let transport: SmtpEmailTransport;
  before(async () => {
    smtp = await startSmtpServer();
    transport = new SmtpEmailTransport(`smtp://vudu:p%40ss@127.0.0.1:${smtp.port}`, silentLog, {
      retryDelayMs: 20,
    });
  });
  after(async () => {
    await transport.close();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
    smtp.rcptAnswers.length = 0;
  });

  it('sends text and HTML alternatives with a UTF-8 subject, authenticated', async () => {
    const { messageId } = await transport.send({
      from: 'Clinique Dentaire <rappels@clinique.example>',
      to: 'marie@example.com',
      subject: 'Rappel : rendez-vous à 14 h — ça marche ✓',
      text: 'Bonjour Marie,\nVotre rendez-vous est demain à 14 h.\n€ 😀',
      html: '<p>Bonjour Marie,<br>Votre rendez-vous est <b>demain</b> à 14 h.</p>',
    });
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0];
    assert.equal(mail?.user, 'vudu');
    assert.equal(mail?.from, 'rappels@clinique.example');
    assert.deepEqual(mail?.to, ['marie@example.com']);
    const mime = parseMime(mail?.raw ?? '');
    assert.equal(mime.headers.get('subject'), 'Rappel : rendez-vous à 14 h — ça marche ✓');
    assert.equal(mime.headers.get('from'), 'Clinique Dentaire <rappels@clinique.example>');
    assert.equal(mime.headers.get('to'), 'marie@example.com');
    assert.equal(mime.headers.get('message-id'), messageId);
    assert.equal(mime.headers.get('mime-version'), '1.0');
    assert.match(mime.headers.get('content-type') ?? '', /^multipart\/alternative; boundary=/);
    assert.deepEqual(
      mime.parts.map((p) => [p.headers.get('content-type'), p.body]),
      [
        // Canonical MIME text: line breaks travel as CRLF.
        ['text/plain; charset=utf-8', 'Bonjour Marie,\r\nVotre rendez-vous est demain à 14 h.\r\n€ 😀'],
        ['text/html; charset=utf-8', '<p>Bonjour Marie,<br>Votre rendez-vous est <b>demain</b> à 14 h.</p>'],
      ],
    );
  });

  it('sends text only as a single text/plain body', async () => {
    await transport.send({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'Hello',
      text: 'Plain body',
    });
    const mime = parseMime(smtp.received[0]?.raw ?? '');
    assert.equal(mime.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(mime.body.trim(), 'Plain body');
  });

  it('retries once after a 4xx and succeeds', async () => {
    smtp.rcptAnswers.push(451);
    const attempts = smtp.rcptAttempts();
    await transport.send({ from: 'a@example.com', to: 'b@example.com', subject: 'Retry', text: 'x' });
    assert.equal(smtp.rcptAttempts() - attempts, 2);
    assert.equal(smtp.received.length, 1);
  });

  it('fails retryable when the 4xx persists', async () => {
    smtp.rcptAnswers.push(451, 452);
    const error = await transport
      .send({ from: 'a@example.com', to: 'b@example.com', subject: 'Busy', text: 'x' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof TransportError);
    assert.deepEqual([error.retryable, error.code], [true, 'SMTP_452']);
    assert.equal(smtp.received.length, 0);
  });

  it('fails permanently on a 5xx, without retrying', async () => {
    smtp.rcptAnswers.push(550);
    const attempts = smtp.rcptAttempts();
    const error = await transport
      .send({ from: 'a@example.com', to: 'nobody@example.com', subject: 'Nope', text: 'x' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof TransportError);
    assert.deepEqual([error.retryable, error.code], [false, 'SMTP_550']);
    assert.match(error.message, /No such user/);
    assert.equal(smtp.rcptAttempts() - attempts, 1);
  });
});

describe('SMTP failures without an SMTP answer', () => {
  it('a refused connection is retryable', async () => {
    const smtp = await startSmtpServer();
    await smtp.close(); // the port is now closed
    const transport = new SmtpEmailTransport(`smtp://127.0.0.1:${smtp.port}`, silentLog, {
      retryDelayMs: 10,
    });
    const error = await transport
      .send({ from: 'a@example.com', to: 'b@example.com', subject: 'x', text: 'x' })
      .catch((e: unknown) => e);
    await transport.close();
    assert.ok(error instanceof TransportError);
    assert.equal(error.retryable, true);
  });

  it('bad credentials (535) are permanent', async () => {
    const smtp = await startSmtpServer();
    const transport = new SmtpEmailTransport(`smtp://vudu:wrong@127.0.0.1:${smtp.port}`, silentLog);
    const error = await transport
      .send({ from: 'a@example.com', to: 'b@example.com', subject: 'x', text: 'x' })
      .catch((e: unknown) => e);
    await transport.close();
    await smtp.close();
    assert.ok(error instanceof TransportError);
    assert.deepEqual([error.retryable, error.code], [false, 'SMTP_535']);
  });
});

describe('createEmailTransport', () => {
  it('picks SMTP when SMTP_URL is set, else the sandbox', async () => {
    const smtp = createEmailTransport(readConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }), silentLog);
    const sandbox = createEmailTransport(readConfig({}), silentLog);
    assert.deepEqual([smtp.kind, sandbox.kind], ['smtp', 'sandbox']);
    await smtp.close();
    await sandbox.close();
  });
});
