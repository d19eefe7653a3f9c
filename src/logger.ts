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
