import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Fields never written to a log whatever logs them (SECURITY.md): passwords (SMPP binds, SMTP, web
 * users), webhook secrets, API keys and tokens, and the request headers that carry them. The code
 * logs none of them; this is the net under it, should an error object or a config slip in.
 */
export const REDACTED_PATHS: readonly string[] = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'smppUrl',
  'smtpUrl',
  'redisUrl',
  'databaseUrl',
  '*.smppUrl',
  '*.smtpUrl',
  '*.redisUrl',
  '*.databaseUrl',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["vudumobile-api-key"]',
  'headers.authorization',
  'headers.cookie',
  'headers["vudumobile-api-key"]',
];

const BASE_OPTIONS: LoggerOptions = { redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };

/** JSON logs; pretty when a person is watching the terminal. */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY && level !== 'silent') {
    return pino({
      ...BASE_OPTIONS,
      level,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return pino({ ...BASE_OPTIONS, level });
}

/** A one-shot command's logs: warnings and errors on stderr, so that --json output stays one document. */
export function createCommandLogger(): Logger {
  return pino({ ...BASE_OPTIONS, level: 'warn' }, pino.destination(2));
}
