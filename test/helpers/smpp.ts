import pino from 'pino';
import { SmppTransport } from '../../src/transport/smpp/smpp-transport.js';
import { parseSmppUrls } from '../../src/transport/smpp/smpp-url.js';
import type {
  DeliveryReceipt,
  InboundSms,
  OutboundSms,
  SmsEncoding,
  SmsTransportHandlers,
} from '../../src/domain/ports/transports.js';

export const silentLog = pino({ level: 'silent' });

/** A transport under test with the receipts and MO it received (handlers resolve at once by default). */
export interface TransportUnderTest {
  transport: SmppTransport;
  receipts: DeliveryReceipt[];
  inbound: InboundSms[];
}

export interface StartOptions {
  /** Replaces the default handlers (which record and resolve). */
  handlers?: Partial<SmsTransportHandlers>;
  unavailableTimeoutMs?: number;
}

/** Starts an SmppTransport on an SMPP_URL, with short reconnect delays for tests. */
export async function startTransport(url: string, options: StartOptions = {}): Promise<TransportUnderTest> {
  const { connectors, problems } = parseSmppUrls(url);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const transport = new SmppTransport({
    connectors,
    log: silentLog,
    unavailableTimeoutMs: options.unavailableTimeoutMs ?? 10_000,
    timing: { reconnectBaseMs: 20, reconnectMaxMs: 200, drainMs: 2_000 },
  });
  const receipts: DeliveryReceipt[] = [];
  const inbound: InboundSms[] = [];
  await transport.start({
    onReceipt:
      options.handlers?.onReceipt ??
      (async (receipt) => {
        receipts.push(receipt);
      }),
    onInbound:
      options.handlers?.onInbound ??
      (async (sms) => {
        inbound.push(sms);
      }),
  });
  return { transport, receipts, inbound };
}

let nextMessageId = 1;

/** An OutboundSms with explicit parts (the domain's segmenter is not under test here). */
export function sms(
  to: string,
  parts: readonly string[],
  encoding: SmsEncoding = 'GSM-7',
  from = '15149541234',
): OutboundSms {
  return { messageId: nextMessageId++, from, to, text: parts.join(''), encoding, parts };
}

/** Polls `condition` every 10 ms until it holds; fails after `timeoutMs` with `what`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function smppUrl(port: number, query = '', credentials = 'test:secret'): string {
  return `smpp://${credentials}@127.0.0.1:${port}${query ? `?${query}` : ''}`;
}
