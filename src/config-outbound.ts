/**
 * The outbound path's settings (dispatcher, verification limits, sandbox SMS, SIP trunks), read from
 * the environment beside the rest of the configuration in config.ts. Each problem becomes one line.
 */
import { parseVoiceUrls } from './transport/voice/voice-url.js';

export interface DispatchConfig {
  /** Messages claimed per batch (DISPATCH_BATCH_SIZE). */
  readonly batchSize: number;
  /** Submits in flight at once (DISPATCH_CONCURRENCY). */
  readonly concurrency: number;
  /** How long a claim (SMS or email) holds before another dispatcher may take it back (DISPATCH_LEASE_MS). */
  readonly leaseMs: number;
  /** Attempts before a retryable failure becomes final (DISPATCH_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** Re-sends after a "Réessayer plus tard" receipt (101, 102, 203, 305); 0 = off (RECEIPT_RETRY_ATTEMPTS). */
  readonly receiptRetries: number;
  /**
   * Hold every SMS in the queue: the API still accepts and broadcasts still fan out, nothing is
   * submitted until a process starts without it (SMS_SENDING_PAUSED=1; carrier maintenance).
   */
  readonly paused: boolean;
  /**
   * How long a worker holds an SMPP bind slot (max_binds) without renewing it (SMPP_BIND_LEASE_MS):
   * a dead worker's bind is taken over after this. Renewed every third of it.
   */
  readonly bindLeaseMs: number;
}

export interface VerifyConfig {
  /** Verification requests per number per hour (VERIFY_LIMIT_PER_NUMBER). */
  readonly limitPerNumber: number;
  /** Verification requests per API key per hour (VERIFY_LIMIT_PER_KEY). */
  readonly limitPerKey: number;
  /** Number prefixes (digits, international form) known to be landlines (LANDLINE_PREFIXES). */
  readonly landlinePrefixes: readonly string[];
  /** How long after an SMS code an UNDELIV receipt still triggers the voice call (VERIFY_FALLBACK_WAIT_MS). */
  readonly fallbackWaitMs: number;
  /** How long check_verification accepts a code (VERIFY_CODE_TTL_MS, 10 minutes). */
  readonly codeTtlMs: number;
  /** Calls placed again after a busy line or no answer (VERIFY_CALL_RETRIES, 1). */
  readonly retries: number;
  /** The wait before that call (VERIFY_CALL_RETRY_DELAY_MS, 60 s). */
  readonly retryDelayMs: number;
  /** Verification calls in progress at once per worker process (VOICE_MAX_CALLS, 10). */
  readonly maxConcurrentCalls: number;
  /**
   * How long a claimed call holds without renewal before another worker takes it back, or settles
   * it as answered if the callee had answered (VERIFY_CALL_LEASE_MS, 60 s; renewed every third of it).
   */
  readonly callLeaseMs: number;
}

/** What the sandbox SMS carrier answers: a receipt state and code, or a refusal at submit. */
export type SandboxOutcome =
  | { readonly kind: 'receipt'; readonly stat: string; readonly err: string }
  | { readonly kind: 'reject' }
  | { readonly kind: 'throttle' }
  | { readonly kind: 'silent' };

export interface SandboxSmsConfig {
  /** SANDBOX_SMS_OUTCOME: `DELIVRD:000` (default), `UNDELIV:300`, `EXPIRED:102`, `reject`, `throttle`, `silent`. */
  readonly outcome: SandboxOutcome;
  /** Delay before the receipt (SANDBOX_SMS_RECEIPT_DELAY_MS). */
  readonly receiptDelayMs: number;
  /** Time each submit takes, to imitate a slow carrier (SANDBOX_SMS_SUBMIT_DELAY_MS). */
  readonly submitDelayMs: number;
  /** When set, one JSON line per accepted part is appended to this file (SANDBOX_SMS_LOG). */
  readonly logFile: string | undefined;
}

export const RECEIPT_STATS = ['DELIVRD', 'ACCEPTD', 'EXPIRED', 'UNDELIV', 'UNKNOWN', 'REJECTD', 'DELETED'];

type Env = Record<string, string | undefined>;

export function parseSandboxOutcome(raw: string): SandboxOutcome | undefined {
  const value = raw.trim();
  if (value === 'reject' || value === 'throttle' || value === 'silent') return { kind: value };
  const match = /^([A-Z]{7}):(\d{3})$/.exec(value.toUpperCase());
  if (!match || !RECEIPT_STATS.includes(match[1] ?? '')) return undefined;
  return { kind: 'receipt', stat: match[1] ?? '', err: match[2] ?? '' };
}

function wholeNumber(env: Env, name: string, fallback: number, min: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    problems.push(`${name}: expected a whole number of at least ${min}`);
    return fallback;
  }
  return value;
}

function flag(env: Env, name: string, problems: string[]): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  problems.push(`${name}: expected 1 or 0`);
  return false;
}

export function readDispatchConfig(env: Env, problems: string[]): DispatchConfig {
  return Object.freeze({
    batchSize: wholeNumber(env, 'DISPATCH_BATCH_SIZE', 500, 1, problems),
    concurrency: wholeNumber(env, 'DISPATCH_CONCURRENCY', 64, 1, problems),
    leaseMs: wholeNumber(env, 'DISPATCH_LEASE_MS', 60_000, 100, problems),
    maxAttempts: wholeNumber(env, 'DISPATCH_MAX_ATTEMPTS', 8, 1, problems),
    receiptRetries: wholeNumber(env, 'RECEIPT_RETRY_ATTEMPTS', 0, 0, problems),
    paused: flag(env, 'SMS_SENDING_PAUSED', problems),
    bindLeaseMs: wholeNumber(env, 'SMPP_BIND_LEASE_MS', 15_000, 300, problems),
  });
}

export function readVerifyConfig(env: Env, problems: string[]): VerifyConfig {
  const landlinePrefixes = (env.LANDLINE_PREFIXES ?? '')
    .split(',')
    .map((p) => p.trim().replace(/^\+/, ''))
    .filter((p) => p !== '');
  for (const prefix of landlinePrefixes) {
    if (!/^\d{1,15}$/.test(prefix))
      problems.push(`LANDLINE_PREFIXES: "${prefix}" is not a number prefix (digits, international form)`);
  }
  return Object.freeze({
    limitPerNumber: wholeNumber(env, 'VERIFY_LIMIT_PER_NUMBER', 5, 1, problems),
    limitPerKey: wholeNumber(env, 'VERIFY_LIMIT_PER_KEY', 100, 1, problems),
    landlinePrefixes: Object.freeze(landlinePrefixes),
    fallbackWaitMs: wholeNumber(env, 'VERIFY_FALLBACK_WAIT_MS', 120_000, 0, problems),
    codeTtlMs: wholeNumber(env, 'VERIFY_CODE_TTL_MS', 600_000, 1_000, problems),
    retries: wholeNumber(env, 'VERIFY_CALL_RETRIES', 1, 0, problems),
    retryDelayMs: wholeNumber(env, 'VERIFY_CALL_RETRY_DELAY_MS', 60_000, 0, problems),
    maxConcurrentCalls: wholeNumber(env, 'VOICE_MAX_CALLS', 10, 1, problems),
    callLeaseMs: wholeNumber(env, 'VERIFY_CALL_LEASE_MS', 60_000, 1_000, problems),
  });
}

export function readSandboxSmsConfig(env: Env, problems: string[]): SandboxSmsConfig {
  let outcome: SandboxOutcome = { kind: 'receipt', stat: 'DELIVRD', err: '000' };
  if (env.SANDBOX_SMS_OUTCOME) {
    const parsed = parseSandboxOutcome(env.SANDBOX_SMS_OUTCOME);
    if (parsed) outcome = parsed;
    else
      problems.push(
        'SANDBOX_SMS_OUTCOME: expected STAT:ERR (e.g. DELIVRD:000, UNDELIV:300), reject, throttle or silent',
      );
  }
  return Object.freeze({
    outcome,
    receiptDelayMs: wholeNumber(env, 'SANDBOX_SMS_RECEIPT_DELAY_MS', 200, 0, problems),
    submitDelayMs: wholeNumber(env, 'SANDBOX_SMS_SUBMIT_DELAY_MS', 0, 0, problems),
    logFile: env.SANDBOX_SMS_LOG || undefined,
  });
}

/**
 * VOICE_URL: the SIP trunks verification calls go through (transport/voice/voice-url.ts documents
 * the syntax); unset = the sandbox voice transport. Each malformed part is one problem.
 */
export function readVoiceUrl(env: Env, problems: string[]): string | undefined {
  const raw = env.VOICE_URL?.trim();
  if (!raw) return undefined;
  problems.push(...parseVoiceUrls(raw).problems);
  return raw;
}
