import { isIP } from 'node:net';
import {
  readDispatchConfig,
  readSandboxSmsConfig,
  readVerifyConfig,
  readVoiceUrl,
  type DispatchConfig,
  type SandboxSmsConfig,
  type VerifyConfig,
} from './config-outbound.js';
import { readSecurityConfig, type SecurityConfig } from './config-security.js';
import { normaliseEmail } from './domain/common/email.js';
import { normaliseSender } from './domain/messages/send-request.js';
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from './domain/users/users.js';
import { parseSmppUrls } from './transport/smpp/smpp-url.js';

/** Settings read once from the environment (and CLI flags), validated, then frozen and passed down. */
export interface Config {
  readonly databaseUrl: string;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly trustedProxies: readonly string[];
  readonly smtpUrl: string | undefined;
  readonly smppUrl: string | undefined;
  /** SIP trunks for verification calls (VOICE_URL); undefined = the sandbox voice transport. */
  readonly voiceUrl: string | undefined;
  readonly mailFrom: string;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly dispatch: DispatchConfig;
  readonly verify: VerifyConfig;
  readonly sandboxSms: SandboxSmsConfig;
  /** Bulk (broadcast) SMS per second per account; null: unlimited. */
  readonly broadcastRatePerAccount: number | null;
  /** Recipients queued per committed fan-out batch. */
  readonly broadcastFanoutBatch: number;
  /**
   * BROADCAST_IGNORE_QUIET_HOURS=1: the fan-out holds no broadcast SMS for the accounts' quiet hours
   * (drills and child-process tests, which run at any hour; never a production setting in Canada).
   */
  readonly broadcastIgnoreQuietHours: boolean;
  /** How long a worker holds a claimed import before another may take it over (IMPORT_LEASE_SECONDS). */
  readonly importLeaseMs: number;
  /** Webhook URLs may point to loopback and private networks (WEBHOOK_ALLOW_PRIVATE=1). */
  readonly webhookAllowPrivate: boolean;
  /** The email of the first-run administrator, invited on the first start (ADMIN_EMAIL). */
  readonly adminEmail: string;
  /**
   * The sender number the first start gives the default account (DEFAULT_SENDER): a number in
   * international form or a short code; undefined: none (the operator adds one).
   */
  readonly defaultSender: string | undefined;
  /** Web sessions end after idleMs without a request or maxAgeMs after sign-in (WEB_SESSION_*). */
  readonly webSessions: WebSessionConfig;
  /** Rate limits and their store (REDIS_URL), the operator endpoints' token (METRICS_TOKEN). */
  readonly security: SecurityConfig;
}

export interface WebSessionConfig {
  readonly idleMs: number;
  readonly maxAgeMs: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export type Environment = Record<string, string | undefined>;

/** Reads the configuration; each problem becomes one line naming the variable and what it expects. */
export function readConfig(env: Environment, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const port = overrides.port ?? parsePort(env.PORT, problems);
  const host = overrides.host ?? (env.HOST || '127.0.0.1');
  const trustedProxies = splitList(env.TRUSTED_PROXIES);
  for (const entry of trustedProxies) {
    const address = entry.split('/')[0] ?? '';
    if (isIP(address) === 0) problems.push(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}`);
  const publicUrl = (overrides.publicUrl ?? env.PUBLIC_URL ?? `http://${hostForUrl(host)}:${port}`).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^\s]+$/.test(publicUrl))
    problems.push('PUBLIC_URL: expected an http:// or https:// URL');
  const broadcastRatePerAccount = parseRate(env.BROADCAST_RATE_PER_ACCOUNT, problems);
  const broadcastFanoutBatch = parseBatch(env.BROADCAST_FANOUT_BATCH, problems);
  const importLeaseMs =
    overrides.importLeaseMs ?? parseSeconds('IMPORT_LEASE_SECONDS', env, 30, problems) * 1000;
  const databaseUrl = overrides.databaseUrl ?? (env.DATABASE_URL || 'sqlite:./data/vudumobile.db');
  const dispatch = overrides.dispatch ?? readDispatchConfig(env, problems);
  const verify = overrides.verify ?? readVerifyConfig(env, problems);
  const sandboxSms = overrides.sandboxSms ?? readSandboxSmsConfig(env, problems);
  const smtpUrl = overrides.smtpUrl ?? (env.SMTP_URL || undefined);
  if (smtpUrl !== undefined) checkSmtpUrl(smtpUrl, problems);
  const smppUrl = overrides.smppUrl ?? (env.SMPP_URL || undefined);
  if (smppUrl !== undefined) problems.push(...parseSmppUrls(smppUrl).problems);
  const voiceUrl = overrides.voiceUrl ?? readVoiceUrl(env, problems);
  const webhookAllowPrivate =
    overrides.webhookAllowPrivate ?? parseFlag('WEBHOOK_ALLOW_PRIVATE', env, problems);
  const broadcastIgnoreQuietHours =
    overrides.broadcastIgnoreQuietHours ?? parseFlag('BROADCAST_IGNORE_QUIET_HOURS', env, problems);
  const adminEmail = overrides.adminEmail ?? parseAdminEmail(env.ADMIN_EMAIL, problems);
  const defaultSender = overrides.defaultSender ?? parseDefaultSender(env.DEFAULT_SENDER, problems);
  const webSessions = overrides.webSessions ?? readWebSessions(env, problems);
  const security = overrides.security ?? readSecurityConfig(env, problems);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return Object.freeze({
    databaseUrl,
    host,
    port,
    publicUrl,
    trustedProxies: Object.freeze(trustedProxies),
    smtpUrl,
    smppUrl,
    voiceUrl,
    mailFrom: overrides.mailFrom ?? (env.MAIL_FROM || 'no-reply@localhost'),
    dataDir: overrides.dataDir ?? (env.DATA_DIR || './data'),
    logLevel: overrides.logLevel ?? logLevel,
    dispatch,
    verify,
    sandboxSms,
    broadcastRatePerAccount: overrides.broadcastRatePerAccount ?? broadcastRatePerAccount,
    broadcastFanoutBatch: overrides.broadcastFanoutBatch ?? broadcastFanoutBatch,
    broadcastIgnoreQuietHours,
    importLeaseMs,
    webhookAllowPrivate,
    adminEmail,
    defaultSender,
    webSessions: Object.freeze(webSessions),
    security: Object.freeze(security),
  });
}

/** Read as `vudumobile account sender add` reads a number: CA national form, international, or a short code. */
function parseDefaultSender(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const number = normaliseSender(raw, 'CA');
  if (number === null)
    problems.push('DEFAULT_SENDER: expected a phone number or a short code of 3 to 8 digits');
  return number ?? undefined;
}

function parseAdminEmail(raw: string | undefined, problems: string[]): string {
  if (raw === undefined || raw.trim() === '') return 'admin@localhost';
  const email = normaliseEmail(raw);
  if (!email) problems.push('ADMIN_EMAIL: expected an email address');
  return email ?? 'admin@localhost';
}

const HOUR_MS = 3_600_000;

function readWebSessions(env: Environment, problems: string[]): WebSessionConfig {
  const hours = parseWhole('WEB_SESSION_IDLE_HOURS', env.WEB_SESSION_IDLE_HOURS, 1, 720, problems);
  const days = parseWhole('WEB_SESSION_MAX_DAYS', env.WEB_SESSION_MAX_DAYS, 1, 365, problems);
  return {
    idleMs: hours === undefined ? SESSION_IDLE_MS : hours * HOUR_MS,
    maxAgeMs: days === undefined ? SESSION_MAX_AGE_MS : days * 24 * HOUR_MS,
  };
}

/** Undefined when unset (the caller's default) or invalid (then a problem names the variable). */
function parseWhole(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) {
    problems.push(`${name}: expected a whole number from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

function parseFlag(name: string, env: Environment, problems: string[]): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  problems.push(`${name}: expected 1 or 0`);
  return false;
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw === '') return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push('PORT: expected a whole number from 0 to 65535');
    return 8080;
  }
  return port;
}

function checkSmtpUrl(raw: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('SMTP_URL: expected smtp://user:password@host:port or smtps://…');
    return;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    problems.push(`SMTP_URL: unsupported scheme "${url.protocol}" (expected smtp:// or smtps://)`);
  else if (url.hostname === '') problems.push('SMTP_URL: host is missing');
}

function parseRate(raw: string | undefined, problems: string[]): number | null {
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'unlimited') return null;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate <= 0) {
    problems.push('BROADCAST_RATE_PER_ACCOUNT: expected messages per second (a number above 0) or unlimited');
    return null;
  }
  return rate;
}

function parseBatch(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw === '') return 1000;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 10000) {
    problems.push('BROADCAST_FANOUT_BATCH: expected a whole number from 1 to 10000');
    return 1000;
  }
  return size;
}

function parseSeconds(name: string, env: Environment, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
    problems.push(`${name}: expected a whole number of seconds from 1 to 3600`);
    return fallback;
  }
  return seconds;
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return isIP(host) === 6 ? `[${host}]` : host;
}
