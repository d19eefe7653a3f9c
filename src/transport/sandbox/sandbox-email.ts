import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EmailTransport, OutboundEmail } from '../../domain/ports/transports.js';

/**
 * The sandbox email transport: writes each email as an `.eml` file under `<dataDir>/outbox/` and
 * sends nothing. For first runs and demos only; it says so loudly when it starts.
 */
export class SandboxEmailTransport implements EmailTransport {
  readonly kind = 'sandbox';

  constructor(
    readonly outboxDir: string,
    log: Logger,
  ) {
    log.warn(
      { outbox: outboxDir },
      'SANDBOX email transport: no email leaves this machine (set SMTP_URL to send)',
    );
  }

  async send(email: OutboundEmail): Promise<{ messageId: string }> {
    await mkdir(this.outboxDir, { recursive: true });
    const id = randomUUID();
    const messageId = `<${id}@sandbox.vudumobile>`;
    const file = join(this.outboxDir, `${Date.now()}-${id}.eml`);
    // Written under a temporary name then renamed, so a reader never sees half a message.
    await writeFile(`${file}.tmp`, renderEml(email, messageId), 'utf8');
    await rename(`${file}.tmp`, file);
    return { messageId };
  }

  async close(): Promise<void> {}
}

function encodeHeader(value: string): string {
  // RFC 2047 encoded-word for anything beyond printable ASCII.
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/** A minimal MIME rendering: text/plain, or multipart/alternative when HTML is present. */
export function renderEml(email: OutboundEmail, messageId: string): string {
  const headers = [
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    `From: ${email.from}`,
    `To: ${email.to}`,
    `Subject: ${encodeHeader(email.subject)}`,
    'MIME-Version: 1.0',
  ];
  const textPart = [
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
  ];
  if (email.html === undefined) return [...headers, ...textPart, ''].join('\r\n');
  const boundary = `=_${randomUUID()}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    ...textPart,
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
