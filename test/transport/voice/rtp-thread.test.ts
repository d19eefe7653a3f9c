import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { RtpSession } from '../../../src/transport/voice/rtp-session.js';
import { RtpThread } from '../../../src/transport/voice/rtp-thread.js';

/**
 * The RTP thread paces packets while the main thread is blocked: the receiver runs on a thread of its
 * own too (its arrival times must not wait for the blocked main thread either) and reports when each
 * packet arrived.
 */
const RECEIVER = `
const { parentPort } = require('node:worker_threads');
const socket = require('node:dgram').createSocket('udp4');
const arrivals = [];
socket.on('message', (data) => arrivals.push({ at: performance.now(), sequence: data.readUInt16BE(2) }));
socket.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: socket.address().port }));
parentPort.on('message', () => parentPort.postMessage({ arrivals }));
`;

/** The main thread doing nothing else for `ms` (a long GC or a burst of synchronous work). */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const thread = new RtpThread();
after(() => thread.terminate());

describe('the RTP thread', () => {
  it('keeps sending every 20 ms while the main thread is blocked for 400 ms at a time', async () => {
    const receiver = new Worker(RECEIVER, { eval: true });
    try {
      const [{ port }] = (await once(receiver, 'message')) as [{ port: number }];
      const session = await RtpSession.open(thread, '127.0.0.1');
      assert.equal(session.port % 2, 0, 'an even RTP port');
      const media = { address: '127.0.0.1', port, codec: 'PCMU', payloadType: 0 } as const;
      const packets = 100; // 2 s of audio
      const playing = session.play(Buffer.alloc(packets * 160, 0x7f), media);
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        block(400);
      }
      await playing;
      await session.close();
      // The last packets' datagrams may still be on their way to the receiver's thread.
      await new Promise((resolve) => setTimeout(resolve, 200));
      receiver.postMessage('report');
      const [{ arrivals }] = (await once(receiver, 'message')) as [
        { arrivals: { at: number; sequence: number }[] },
      ];
      assert.equal(arrivals.length, packets);
      const gaps = arrivals.slice(1).map((a, i) => a.at - (arrivals[i]?.at ?? a.at));
      // Paced on the main thread, each block would leave a gap of about 400 ms, then a burst.
      const longest = Math.max(...gaps);
      assert.ok(longest < 200, `a ${longest.toFixed(0)} ms gap: the packets waited for the main thread`);
    } finally {
      await receiver.terminate();
    }
  });

  it('fails a play on a session it does not have, and closes what it never opened', async () => {
    const media = { address: '127.0.0.1', port: 9, codec: 'PCMU', payloadType: 0 } as const;
    await assert.rejects(thread.play(999_999, Buffer.alloc(160), 0xff, media), /no such RTP session/);
    await thread.close(999_999);
  });
});
