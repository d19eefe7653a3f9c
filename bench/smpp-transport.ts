/**
 * The SMPP transport's overhead: SmppTransport (window 50, no TPS cap) submits N single-part
 * messages (default 100,000) to the SMSC simulator in a child process and receives every receipt
 * through onReceipt; prints messages/s. Compare with bench:smpp-raw, the bare client's ceiling.
 *
 *   npm run bench:smpp-transport [-- COUNT]
 */
import pino from 'pino';
import { SmppTransport } from '../src/transport/smpp/smpp-transport.js';
import { parseSmppUrls } from '../src/transport/smpp/smpp-url.js';
import { messageCount, startSimChild } from './sim-child.js';

const TIME_LIMIT_MS = 180_000;
const count = messageCount();
const sim = await startSimChild();
const { connectors } = parseSmppUrls(`smpp://bench:bench@127.0.0.1:${sim.port}?window=50`);
const transport = new SmppTransport({ connectors, log: pino({ level: 'warn' }) });

let receipts = 0;
let notify: () => void = () => undefined;
const allReceipts = new Promise<void>((resolve) => (notify = resolve));
await transport.start({
  onReceipt: async () => {
    if (++receipts === count) notify();
  },
  onInbound: async () => undefined,
});

const started = performance.now();
let failed = 0;
const submits: Promise<unknown>[] = [];
for (let i = 0; i < count; i++) {
  const text = `bench message ${i}`;
  submits.push(
    transport
      .submit({
        messageId: i,
        from: '15149541234',
        to: '15145550000',
        text,
        encoding: 'GSM-7',
        parts: [text],
      })
      .catch(() => failed++),
  );
}
await Promise.all(submits);
const submittedAt = performance.now();
const timeout = new Promise<'timeout'>((resolve) =>
  setTimeout(() => resolve('timeout'), TIME_LIMIT_MS).unref(),
);
const outcome = await Promise.race([allReceipts, timeout]);
const finished = performance.now();
await transport.close();
const stats = await sim.stop();

console.log(`smpp-transport: ${count} single-part messages through SmppTransport, window 50, no TPS cap`);
if (outcome === 'timeout') console.log(`  TIMED OUT after ${TIME_LIMIT_MS / 1000} s`);
console.log(
  `  submits resolved: ${count - failed} (${failed} failed) in ${((submittedAt - started) / 1000).toFixed(2)} s`,
);
console.log(`  receipts received: ${receipts}`);
console.log(
  `  simulator: accepted ${stats.accepted}, distinct ${stats.distinctMessages}, receipts acked ${stats.receiptsAcked}`,
);
console.log(`  submits/s:               ${Math.round((count - failed) / ((submittedAt - started) / 1000))}`);
console.log(`  msgs/s (with receipts):  ${Math.round(receipts / ((finished - started) / 1000))}`);
