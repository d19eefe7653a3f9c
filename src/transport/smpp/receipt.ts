/**
 * Delivery receipts (deliver_sm with a receipt esm_class): the de-facto text form of SMPP v3.4
 * Appendix B, `id:… sub:… dlvrd:… submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000
 * text:…`, and the TLVs receipted_message_id, message_state and network_error_code.
 *
 * The TLV receipted_message_id wins over the text `id:` (the spec makes it the submit_sm_resp id,
 * while the text id is where carriers switch to decimal or truncate). The text `stat:`/`err:` win over
 * message_state/network_error_code, because the contract's status table is written in their terms.
 */
import { normaliseCarrierId } from '../../domain/sms/carrier-id.js';
import type { DeliveryReceipt } from '../../domain/ports/transports.js';

export interface ReceiptFields {
  readonly text: string;
  readonly receiptedMessageId?: string | undefined;
  readonly messageState?: number | undefined;
  readonly networkErrorCode?: Buffer | undefined;
}

/** message_state values (SMPP v3.4 §5.3.2.35) as the text form writes them. */
const MESSAGE_STATES: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
  9: 'SKIPPED',
};

/** Long spellings some SMSCs use, to the 7-letter forms of the contract's table. */
const STAT_SYNONYMS: Record<string, string> = {
  DELIVERED: 'DELIVRD',
  UNDELIVERABLE: 'UNDELIV',
  ACCEPTED: 'ACCEPTD',
  REJECTED: 'REJECTD',
};

/** Parses a receipt; undefined when it names no message id or no state. */
export function parseReceipt(fields: ReceiptFields): DeliveryReceipt | undefined {
  const text = readTextFields(fields.text);
  const id = fields.receiptedMessageId?.trim() || text.get('id');
  const stat = text.get('stat') ?? stateName(fields.messageState);
  if (!id || !stat) return undefined;
  const err = text.get('err') ?? networkError(fields.networkErrorCode) ?? '000';
  const done = text.get('done date');
  const doneAt = done === undefined ? undefined : parseSmscDate(done);
  const upper = stat.toUpperCase();
  return {
    carrierId: normaliseCarrierId(id),
    stat: STAT_SYNONYMS[upper] ?? upper,
    err: normaliseErr(err),
    ...(doneAt === undefined ? {} : { doneAt }),
  };
}

/** `key:value` pairs before ` text:` (whatever follows `text:` is the message's start, free text). */
function readTextFields(text: string): Map<string, string> {
  const head = text.split(/(?:^|\s)text:/i)[0] ?? '';
  const fields = new Map<string, string>();
  for (const match of head.matchAll(/(id|sub|dlvrd|submit date|done date|stat|err):\s*(\S*)/gi)) {
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (value !== '' && !fields.has(key)) fields.set(key, value);
  }
  return fields;
}

function stateName(state: number | undefined): string | undefined {
  return state === undefined ? undefined : MESSAGE_STATES[state];
}

/** network_error_code: one octet of network type, two of error code. */
function networkError(value: Buffer | undefined): string | undefined {
  if (!value || value.length < 3) return undefined;
  return String(value.readUInt16BE(1));
}

/** `err:` as three digits: `0` → `000`, `0000` → `000`; a non-numeric code is kept upper-cased. */
function normaliseErr(err: string): string {
  if (!/^\d+$/.test(err)) return err.toUpperCase();
  return err.length >= 3 ? err.slice(-3) : err.padStart(3, '0');
}

/** `YYMMDDhhmm[ss]`, read as UTC (receipts carry no zone; SMSCs we know of write UTC). */
export function parseSmscDate(value: string): number | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value);
  if (!match) return undefined;
  const part = (i: number): number => Number(match[i] ?? '0');
  const time = Date.UTC(2000 + part(1), part(2) - 1, part(3), part(4), part(5), part(6));
  return Number.isNaN(time) ? undefined : time;
}

/** Formats a time as `YYMMDDhhmm` (UTC), as receipts write it. */
export function formatSmscDate(time: number): string {
  const d = new Date(time);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes())
  );
}
