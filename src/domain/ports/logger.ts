/**
 * What a domain service logs through: the structured subset of pino's Logger (which satisfies it),
 * so the domain names no logging library.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}
