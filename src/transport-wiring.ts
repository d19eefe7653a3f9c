import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { EmailTransport, SmsTransport, VoiceTransport } from './domain/ports/transports.js';
import { SandboxEmailTransport } from './transport/sandbox/sandbox-email.js';
import { SandboxSmsTransport } from './transport/sandbox/sandbox-sms.js';
import { SandboxVoiceTransport } from './transport/sandbox/sandbox-voice.js';
import { createSmppTransport } from './transport/smpp/smpp-transport.js';
import { SmtpEmailTransport } from './transport/smtp/smtp-email.js';
import { SipVoiceTransport } from './transport/voice/sip-voice-transport.js';
import { parseVoiceUrls } from './transport/voice/voice-url.js';

/** Part of the composition root (main.ts): which transport each kind of message takes, from the configuration. */

/** SMTP when SMTP_URL is set; otherwise the sandbox, which writes .eml files and says so loudly. */
export function createEmailTransport(config: Config, log: Logger): EmailTransport {
  if (config.smtpUrl !== undefined) return new SmtpEmailTransport(config.smtpUrl, log);
  return new SandboxEmailTransport(resolve(join(config.dataDir, 'outbox')), log);
}

/** The SMS carrier connection: SMPP when SMPP_URL is set, else the sandbox (which says so loudly). */
export function createSmsTransport(config: Config, log: Logger): SmsTransport {
  // Connectors with max_binds bind only while this process holds a slot (workers/bind-slots.ts).
  if (config.smppUrl !== undefined) return createSmppTransport(config.smppUrl, log, true);
  const sandbox = config.sandboxSms;
  return new SandboxSmsTransport(log, {
    outcome: sandbox.outcome,
    receiptDelayMs: sandbox.receiptDelayMs,
    submitDelayMs: sandbox.submitDelayMs,
    ...(sandbox.logFile ? { logFile: resolve(sandbox.logFile) } : {}),
  });
}

/**
 * Voice calls for verification codes: SIP trunks when VOICE_URL is set (readConfig has validated it),
 * else the sandbox, which places no call and says so loudly.
 */
export function createVoiceTransport(config: Config, log: Logger): VoiceTransport {
  if (config.voiceUrl !== undefined)
    return new SipVoiceTransport(parseVoiceUrls(config.voiceUrl).trunks, log);
  return new SandboxVoiceTransport(resolve(join(config.dataDir, 'voice-calls.jsonl')), log);
}

/** The transports of a process without workers (`--role api`): nothing is ever sent through them. */
export const idleSmsTransport: SmsTransport = {
  kind: 'none',
  async start() {},
  async submit() {
    throw new Error('this process runs no SMS dispatcher');
  },
  status: () => [],
  async close() {},
};

export const idleVoiceTransport: VoiceTransport = {
  kind: 'none',
  async placeCall() {
    throw new Error('this process places no calls');
  },
  async close() {},
};
