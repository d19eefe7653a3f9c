/**
 * The loopback ceiling: a bare `smpp` client (no transport logic) fires N submit_sm (default 100,000)
 * with a window of 50 and no TPS cap at the SMSC simulator running in a child process, answers every
 * receipt, and prints submit_sm/s and messages/s with every receipt received.
 *
 *   npm run bench:smpp-raw [-- COUNT]
 */
import { connectSession, createPdu, type SmppPdu } from '../src/transport/smpp/smpp-lib.js';
import { messageCount, startSimChild } from './sim-child.js';

const WINDOW = 50;
const TIME_LIMIT_MS = 180_000;
const count = messageCount();
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

function fill(): void {
  while (sent < count && sent - answered < WINDOW) {
    const text = `bench message ${sent}`;
    session.send(
      createPdu('submit_sm', {
        source_addr: '15149541234',
        destination_addr: '15145550000',
        registered_delivery: 1,
        data_coding: 0,
        short_message: Buffer.from(text, 'latin1'),
      }),
    );
    sent++;
  }
}

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
const timeout = new Promise<'timeout'>((resolve) =>
  setTimeout(() => resolve('timeout'), TIME_LIMIT_MS).unref(),
);
const outcome = await Promise.race([done, timeout]);
const finished = performance.now();
session.destroy();
const stats = await sim.stop();

const seconds = (finished - started) / 1000;
console.log(`smpp-raw: ${count} submit_sm, window ${WINDOW}, no TPS cap, simulator in a child process`);
if (outcome === 'timeout') console.log(`  TIMED OUT after ${TIME_LIMIT_MS / 1000} s`);
console.log(
  `  submit_sm answered: ${answered} (${refused} refused) in ${((allAnsweredAt - started) / 1000).toFixed(2)} s`,
);
console.log(`  receipts received:  ${receipts}`);
console.log(
  `  simulator: accepted ${stats.accepted}, distinct ${stats.distinctMessages}, receipts acked ${stats.receiptsAcked}`,
);
console.log(`  submit_sm/s:             ${Math.round(answered / ((allAnsweredAt - started) / 1000 || 1))}`);
console.log(`  msgs/s (with receipts):  ${Math.round(receipts / seconds)}`);
