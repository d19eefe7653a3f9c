/**
 * The SMTP email transport: nodemailer with pooled connections, from SMTP_URL
 * (`smtp://user:pass@host:587`, `smtps://user:pass@host:465`). The caller gives the text, and the
 * HTML when there is one; nodemailer builds multipart/alternative and encodes a UTF-8 subject.
 *
 * Failures: an SMTP 4xx (greylisting, mailbox busy, rate limit) or a lost connection is temporary:
 * one more try after `retryDelayMs`, then TransportError retryable for the worker to retry later.
 * A 5xx is permanent: TransportError not retryable, at once. Codes are `SMTP_<reply code>`, or
 * nodemailer's own (`ECONNECTION`, `ETIMEDOUT`…) when the server never answered.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { TransportError, type EmailTransport, type OutboundEmail } from '../../domain/ports/transports.js';

export interface SmtpEmailOptions {
  /** Wait before the one internal retry of a temporary failure (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Connections the pool may open at once (default 5). */
  readonly maxConnections?: number;
}

type Transporter = ReturnType<typeof nodemailer.createTransport>;

export class SmtpEmailTransport implements EmailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;
  private readonly retryDelayMs: number;
  private readonly log: Logger;

  constructor(url: string, log: Logger, options: SmtpEmailOptions = {}) {
    this.transporter = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: options.maxConnections ?? 5,
    });
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.log = log.child({ transport: 'smtp' });
    this.log.info({ server: redactUrl(url) }, 'SMTP email transport');
  }

  async send(email: OutboundEmail): Promise<{ messageId: string }> {
    try {
      return await this.sendOnce(email);
    } catch (error) {
      const failure = classify(error);
      if (!failure.retryable) throw failure;
      this.log.warn(
        { code: failure.code, to: email.to },
        `SMTP temporary failure, retrying once: ${failure.message}`,
      );
      await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
      try {
        return await this.sendOnce(email);
      } catch (again) {
        throw classify(again);
      }
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }

  private async sendOnce(email: OutboundEmail): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail({
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      ...(email.html === undefined ? {} : { html: email.html }),
    });
    return { messageId: info.messageId };
  }
}

/** Maps a nodemailer error to a TransportError by the SMTP reply code (see the module comment). */
export function classify(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const fields = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const message = error instanceof Error ? error.message : String(error);
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  if (responseCode !== undefined && responseCode >= 400) {
    return new TransportError(`SMTP ${message}`, responseCode < 500, `SMTP_${responseCode}`);
  }
  const code = typeof fields.code === 'string' ? fields.code : 'SMTP_ERROR';
  // No reply code: the server was not reached or went away; a configuration error never heals.
  return new TransportError(`SMTP ${message}`, code !== 'ECONFIG', code);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'unparsable SMTP_URL';
  }
}
