/**
 * The loopback ceiling: a bare `smpp` client (no transport logic) fires N submit_sm (default 100,000)
 * with a window of 50 and no TPS cap at the SMSC simulator running in a child process, answers every
 * receipt, and prints submit_sm/s and messages/s with every receipt received.
 *
 *   npm run bench:smpp-raw [-- COUNT]
 */
import { runRawDrill } from './lib/smpp-raw-drill.js';
import { messageCount } from './sim-child.js';

const WINDOW = 50;
const result = await runRawDrill({ messages: messageCount(), window: WINDOW });

console.log(
  `smpp-raw: ${result.messages} submit_sm, window ${WINDOW}, no TPS cap, simulator in a child process`,
);
if (result.timedOut) console.log('  TIMED OUT');
console.log(
  `  submit_sm answered: ${result.answered} (${result.refused} refused) in ${result.submitSeconds.toFixed(2)} s`,
);
console.log(`  receipts received:  ${result.receipts}`);
console.log(
  `  simulator: accepted ${result.sim.accepted}, distinct ${result.sim.distinctMessages}, receipts acked ${result.sim.receiptsAcked}`,
);
console.log(`  submit_sm/s:             ${Math.round(result.submitRate)}`);
console.log(`  msgs/s (with receipts):  ${Math.round(result.rate)}`);
