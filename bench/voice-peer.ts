/**
 * The callee of bench/voice.ts in its own process (its arrival times must not share the caller's
 * event loop): a scripted SIP peer on loopback that answers every call and timestamps each RTP packet.
 * Prints `port <n>` once listening; on SIGTERM prints the jitter of what it received as one JSON line.
 */
import { startSipPeer } from '../test/helpers/sip-peer.js';

const peer = await startSipPeer({ kind: 'answer' });
process.stdout.write(`port ${peer.port}\n`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

process.once('SIGTERM', () => {
  const byCall = new Map<string, typeof peer.rtp>();
  for (const packet of peer.rtp) byCall.set(packet.callId, [...(byCall.get(packet.callId) ?? []), packet]);
  // RFC 3550 §6.4.1's D: how much later (or sooner) a packet arrived than its timestamp says it should,
  // relative to the packet before it; for a perfectly paced stream every D is 0.
  const deviations: number[] = [];
  let lostOrReordered = 0;
  for (const packets of byCall.values()) {
    for (let i = 1; i < packets.length; i++) {
      const previous = packets[i - 1];
      const current = packets[i];
      if (!previous || !current) continue;
      if (((current.sequence - previous.sequence) & 0xffff) !== 1) lostOrReordered++;
      const expectedGap = ((current.timestamp - previous.timestamp) >>> 0) / 8;
      deviations.push(Math.abs(current.at - previous.at - expectedGap));
    }
  }
  deviations.sort((a, b) => a - b);
  const result = {
    calls: byCall.size,
    packets: peer.rtp.length,
    lostOrReordered,
    jitterP50: percentile(deviations, 50),
    jitterP99: percentile(deviations, 99),
    jitterMax: deviations.at(-1) ?? 0,
    byes: peer.requests.filter((r) => r.method === 'BYE').length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  void peer.stop().then(() => process.exit(0));
});
