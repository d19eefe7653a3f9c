import pino, { type Logger } from 'pino';

/** JSON logs; pretty when a person is watching the terminal. */
export function createLogger(level: string): Logger {
  if (process.stdout.isTTY && level !== 'silent') {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } },
    });
  }
  return pino({ level });
}

/** A one-shot command's logs: warnings and errors on stderr, so that --json output stays one document. */
export function createCommandLogger(): Logger {
  return pino({ level: 'warn' }, pino.destination(2));
}
