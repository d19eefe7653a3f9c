/** SMPP command_status values: their names, and what a refusal means for the message. */
import { TransportError } from '../../domain/ports/transports.js';
import { COMMAND_STATUS_NAMES } from './smpp-lib.js';

export const STATUS = {
  OK: 0x00,
  INVALID_BIND_STATUS: 0x04,
  SYSTEM_ERROR: 0x08,
  MESSAGE_QUEUE_FULL: 0x14,
  SUBMIT_FAILED: 0x45,
  THROTTLED: 0x58,
  TEMPORARY_APP_ERROR: 0x64,
  UNKNOWN_ERROR: 0xff,
} as const;

/** `0x0000000B` */
export function statusHex(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** `ESME_RINVDSTADR (0x0000000B)`, or the hex value alone for a vendor-specific status. */
export function describeStatus(status: number): string {
  const name = COMMAND_STATUS_NAMES.get(status);
  return name ? `${name} (${statusHex(status)})` : statusHex(status);
}

/** The TransportError code for a status: its name (`ESME_RINVDSTADR`), else its hex value. */
export function statusCode(status: number): string {
  return COMMAND_STATUS_NAMES.get(status) ?? statusHex(status);
}

/** The SMSC asks us to slow down; the same submit is retried on the same connector after a pause. */
export function isThrottle(status: number): boolean {
  return status === STATUS.THROTTLED || status === STATUS.MESSAGE_QUEUE_FULL;
}

/**
 * Refusals that may succeed later: the SMSC's own trouble (system error, "submit failed", unknown
 * error) and its temporary application error. Everything else — bad address, bad length, bad
 * data_coding, prohibited, permanent application error, and unknown vendor codes — is the message's
 * own fault and fails it; a retry would only be refused again.
 */
const RETRYABLE = new Set<number>([
  STATUS.SYSTEM_ERROR,
  STATUS.MESSAGE_QUEUE_FULL,
  STATUS.SUBMIT_FAILED,
  STATUS.THROTTLED,
  STATUS.TEMPORARY_APP_ERROR,
  STATUS.UNKNOWN_ERROR,
]);

/** The TransportError for a submit_sm refused with `status`. */
export function submitRefusal(status: number, connector: string): TransportError {
  return new TransportError(
    `submit_sm refused by ${connector}: ${describeStatus(status)}`,
    RETRYABLE.has(status),
    statusCode(status),
    status,
  );
}
