/**
 * The callee of bench/voice.ts in its own process (its arrival times must not share the caller's
 * event loop): a scripted SIP peer on loopback that answers every call, with every call's RTP
 * received and timestamped on a thread of its own (lib/rtp-receiver-entry.ts), not on the thread
 * doing SIP. Prints `port <n>` once listening; on SIGTERM prints what arrived as one JSON line.
 */
import { startSipPeer } from '../test/helpers/sip-peer.js';
import { RtpReceiverThread } from './lib/rtp-receiver.js';

const receiver = new RtpReceiverThread();
const peer = await startSipPeer({ kind: 'answer' }, 'udp', { receiveRtp: () => receiver.open() });
process.stdout.write(`port ${peer.port}\n`);

process.once('SIGTERM', () => {
  void receiver.report().then(async (report) => {
    const byes = peer.requests.filter((r) => r.method === 'BYE').length;
    process.stdout.write(`${JSON.stringify({ ...report, byes })}\n`);
    await peer.stop();
    await receiver.terminate();
    process.exit(0);
  });
});
