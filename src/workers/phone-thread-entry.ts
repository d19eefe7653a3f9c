/**
 * Entry of the worker thread that normalises phone numbers for the importer (see phone-pool.ts).
 * libphonenumber makes about 20 KB of short-lived garbage per number; here it stays out of the
 * server's own heap, and the second core does it while the main thread writes to the database.
 */
import { parentPort } from 'node:worker_threads';
import { normalisePhone } from '../domain/common/phone.js';

interface Request {
  readonly id: number;
  readonly raws: readonly string[];
  readonly country: string;
}

function isRequest(value: unknown): value is Request {
  if (typeof value !== 'object' || value === null) return false;
  const { id, raws, country } = value as Record<string, unknown>;
  return typeof id === 'number' && typeof country === 'string' && Array.isArray(raws);
}

parentPort?.on('message', (message: unknown) => {
  if (!isRequest(message)) return;
  const numbers = message.raws.map((raw) =>
    typeof raw === 'string' && raw !== '' ? normalisePhone(raw, message.country) : null,
  );
  parentPort?.postMessage({ id: message.id, numbers });
});
