/**
 * The loopback ceiling: a bare `smpp` client (no transport logic, no store) fires N submit_sm with a
 * window and no TPS cap at the SMSC simulator running in a child process, answering every receipt.
 */
import { connectSession, createPdu, type SmppPdu } from '../../src/transport/smpp/smpp-lib.js';
import { startSimChild } from '../sim-child.js';

export interface RawDrillResult {
  readonly messages: number;
  readonly answered: number;
  readonly refused: number;
  readonly receipts: number;
  /** Seconds until the last submit_sm_resp, and until the last receipt. */
  readonly submitSeconds: number;
  readonly seconds: number;
  /** submit_sm answered a second. */
  readonly submitRate: number;
  /** Messages a second with every receipt received. */
  readonly rate: number;
  readonly timedOut: boolean;
  readonly sim: Record<string, number>;
}

export async function runRawDrill(options: {
  messages: number;
  window: number;
  timeLimitMs?: number;
}): Promise<RawDrillResult> {
  const { messages: count, window } = options;
  const sim = await startSimChild();
  const session = connectSession('127.0.0.1', sim.port);
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => {
      session.send(createPdu('bind_transceiver', { system_id: 'bench', password: 'bench' }));
    });
    session.once('error', reject);
    session.on('pdu', (pdu: SmppPdu) => {
      if (pdu.command === 'bind_transceiver_resp') resolve();
    });
  });

  let sent = 0;
  let answered = 0;
  let refused = 0;
  let receipts = 0;
  let allAnsweredAt = 0;
  const started = performance.now();

  const fill = (): void => {
    while (sent < count && sent - answered < window) {
      session.send(
        createPdu('submit_sm', {
          source_addr: '15149541234',
          destination_addr: '15145550000',
          registered_delivery: 1,
          data_coding: 0,
          short_message: Buffer.from(`bench message ${sent}`, 'latin1'),
        }),
      );
      sent++;
    }
  };

  const done = new Promise<void>((resolve) => {
    session.on('pdu', (pdu: SmppPdu) => {
      if (pdu.command === 'submit_sm_resp') {
        answered++;
        if (pdu.command_status !== 0) refused++;
        if (answered === count) allAnsweredAt = performance.now();
        fill();
      } else if (pdu.command === 'deliver_sm') {
        session.send(pdu.response());
        if (++receipts === count) resolve();
      } else if (pdu.command === 'enquire_link') {
        session.send(pdu.response());
      }
    });
  });
  fill();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeLimitMs ?? 180_000);
  });
  const outcome = await Promise.race([done, timeout]);
  clearTimeout(timer);
  const finished = performance.now();
  session.destroy();
  const stats = await sim.stop();
  const seconds = (finished - started) / 1000;
  const submitSeconds = ((allAnsweredAt || finished) - started) / 1000;
  return {
    messages: count,
    answered,
    refused,
    receipts,
    submitSeconds,
    seconds,
    submitRate: answered / submitSeconds,
    rate: receipts / seconds,
    timedOut: outcome === 'timeout',
    sim: stats,
  };
}
